// The one place that decides which Postgres we talk to: a real server when a URL is given,
// otherwise PGlite (Postgres compiled to WASM) in a data directory or in memory.
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
/** Both drivers share this type, so domain code never knows which one it runs on. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DbDriver = "pglite" | "postgres";

export type DbHandle = {
  db: Db;
  driver: DbDriver;
  /** Throws when the database cannot answer; used by /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Raw client, for the migrator and backups. */
  raw: { kind: "pglite"; client: PGlite } | { kind: "postgres"; client: postgres.Sql };
};

export type DbOptions = {
  /** postgres:// URL of a real server. */
  url?: string;
  /** PGlite data directory; omitted means in memory. Ignored when `url` is set. */
  dataDir?: string;
  /** PGlite: start from a dumped data directory (a migrated template), for fast test databases. */
  loadDataDir?: Blob | File;
  /** Pool size for postgres.js. */
  max?: number;
};

export async function createDb(options: DbOptions = {}): Promise<DbHandle> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.max ?? 10,
      // NOTE: without an idle timeout an open pool keeps the process alive after the server closes.
      idle_timeout: 20,
      connect_timeout: 5,
      onnotice: () => {},
    });
    const db = drizzlePostgres({ client, schema }) as unknown as Db;
    return {
      db,
      driver: "postgres",
      raw: { kind: "postgres", client },
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 3 }),
    };
  }
  const client = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions: { pg_trgm },
  });
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    raw: { kind: "pglite", client },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: () => client.close(),
  };
}

/** Raw `db.execute` answers with an array on postgres.js and with `{rows}` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
