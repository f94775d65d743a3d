// The one place that decides which Postgres we talk to: a real server when a URL is given,
// otherwise PGlite (Postgres compiled to WASM) in a data directory or in memory.
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { sql, type Logger } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { lockPgliteDir } from "./pglite-lock";
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
  /** Whether the server is known to be unreachable right now (always up for PGlite, which runs in-process). */
  availability: DbAvailability;
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
  /** PGlite: an instance already open, to wrap afresh (test setup hands one from file to file). */
  pglite?: PGlite;
  /** Pool size for postgres.js. */
  max?: number;
  /** Where outage and recovery are reported (one line each); default stderr. */
  log?: (line: string) => void;
  /** Sees every statement drizzle writes before it runs (tests check them: test/setup/sql-scopes.ts). */
  logger?: Logger;
};

/** The driver and socket errors that mean "the server is not there", as opposed to a bad query. */
const UNAVAILABLE_CODES = new Set([
  // node sockets
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  // postgres.js
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  // SQLSTATE: admin/crash shutdown, starting up or shutting down, too many connections
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/**
 * True when `error` (or what it wraps: drizzle puts the driver's error in `cause`) says the database
 * server could not be reached, so the right answer is 503 and a retry, not a 500 and a bug report.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // SQLSTATE class 08: connection exceptions.
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  }
  return false;
}

/**
 * Learns about an outage from the queries that fail, then probes until the server answers again, so
 * requests in between can be refused at once (503) instead of each waiting on a dead connection.
 */
export class DbAvailability {
  #down = false;
  #since = 0;
  #reason = "";
  #probe: NodeJS.Timeout | undefined;
  constructor(
    private readonly ping: () => Promise<void>,
    private readonly log: (line: string) => void,
    private readonly probeMs = 250,
  ) {}

  get down(): boolean {
    return this.#down;
  }
  get reason(): string {
    return this.#reason;
  }

  /** Called with every failed query: only unavailability counts, a bad query says nothing about the server. */
  report(error: unknown) {
    if (this.#down || !isDatabaseUnavailable(error)) return;
    this.#down = true;
    this.#since = Date.now();
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error)?.message ?? String(error);
    this.#reason = cause.slice(0, 200);
    this.log(`database unreachable (${this.#reason}); answering 503 until it is back`);
    const probe = async () => {
      const ok = await Promise.race([
        this.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref()),
      ]);
      if (ok) this.up();
      else if (this.#down) this.#probe = setTimeout(probe, this.probeMs).unref();
    };
    this.#probe = setTimeout(probe, this.probeMs).unref();
  }

  up() {
    if (!this.#down) return;
    this.#down = false;
    this.#reason = "";
    if (this.#probe) clearTimeout(this.#probe);
    this.#probe = undefined;
    this.log(`database reachable again after ${((Date.now() - this.#since) / 1000).toFixed(1)} s`);
  }

  stop() {
    if (this.#probe) clearTimeout(this.#probe);
    this.#probe = undefined;
  }
}

export async function createDb(options: DbOptions = {}): Promise<DbHandle> {
  const log = options.log ?? ((line: string) => console.error(line));
  if (options.url) {
    const client = postgres(options.url, {
      max: options.max ?? 10,
      // NOTE: without an idle timeout an open pool keeps the process alive after the server closes.
      idle_timeout: 20,
      // A server that is gone refuses at once; this bounds one that does not answer at all.
      connect_timeout: 5,
      // Seconds before reconnecting after failed attempts. The default grows to 10–20 s after a dozen
      // failures, so the app would stay down that long after the database is back; the outage gate
      // (server/availability.ts) already keeps requests from hammering a dead server.
      backoff: (failures: number) => Math.min(0.05 * 2 ** failures, 1) * (0.5 + Math.random() / 2),
      onnotice: () => {},
      // Every query is a named statement (patches/drizzle-orm+*.patch): parsed once per connection, one
      // round trip per run. Plans stay per run as with unnamed statements: a generic plan chosen
      // after five runs could suit one search term and be slow for the next.
      connection: { plan_cache_mode: "force_custom_plan" },
    });
    const probe = async () => {
      await client`select 1`;
    };
    const availability = new DbAvailability(probe, log);
    observeQueries(client, availability);
    // /healthz pings too: an answer there ends an outage at once, without waiting for the next probe.
    const ping = () => probe().then(() => availability.up());
    const db = drizzlePostgres({ client, schema, logger: options.logger }) as unknown as Db;
    return {
      db,
      driver: "postgres",
      raw: { kind: "postgres", client },
      ping,
      availability,
      close: async () => {
        availability.stop();
        await client.end({ timeout: 3 });
      },
    };
  }
  const client =
    options.pglite ??
    (await PGlite.create({
      dataDir: options.dataDir,
      loadDataDir: options.loadDataDir,
      // NOTE: every PGlite that runs queries needs both: search vectors and queries use unaccent (migration 0017).
      extensions: { pg_trgm, unaccent },
    }));
  const db = drizzlePglite({ client, schema, logger: options.logger }) as unknown as Db;
  return {
    db,
    driver: "pglite",
    raw: { kind: "pglite", client },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    availability: new DbAvailability(async () => {}, log),
    close: () => client.close(),
  };
}

/**
 * Every query drizzle sends goes through `unsafe` (transactions through `begin`): watch their outcome.
 * NOTE: the native `Promise.prototype.then` is used on purpose: postgres.js queries are lazy and its own
 * `then` would start the query before drizzle has set it up (e.g. `.values()`).
 */
function observeQueries(client: postgres.Sql, availability: DbAvailability) {
  const ok = () => availability.down && availability.up();
  const fail = (error: unknown) => availability.report(error);
  const unsafe = client.unsafe;
  client.unsafe = function (this: unknown, ...args: Parameters<typeof unsafe>) {
    const query = unsafe.apply(this, args);
    Promise.prototype.then.call(query, ok, fail);
    return query;
  } as typeof unsafe;
  const begin = client.begin;
  client.begin = function (this: unknown, ...args: unknown[]) {
    const done = (begin as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    done.then(ok, fail);
    return done;
  } as typeof begin;
}

/** Raw `db.execute` answers with an array on postgres.js and with `{rows}` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** The configured database: the server at `databaseUrl`, or PGlite kept in `<dataDir>/pglite`. */
export async function openDatabase(settings: { databaseUrl?: string; dataDir: string }): Promise<DbHandle> {
  if (settings.databaseUrl) return createDb({ url: settings.databaseUrl });
  const dataDir = path.join(settings.dataDir, "pglite");
  mkdirSync(dataDir, { recursive: true });
  const release = lockPgliteDir(dataDir);
  const handle = await createDb({ dataDir }).catch((error) => {
    release();
    throw error;
  });
  return { ...handle, close: () => handle.close().finally(release) };
}
