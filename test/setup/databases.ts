// Test databases: every test file gets its own freshly migrated database, on PGlite (a copy of a
// migrated template data directory, or an instance a previous file returned, emptied) or on the
// PostgreSQL server named by DATABASE_URL (a database created from a migrated template database).
// Same migrations, same tests, both engines.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join as pathJoin } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createDb, rowsOf, type DbHandle } from "@/db/client";
import { checkSqlScopes } from "./sql-scopes";
import { migrateDb } from "@/db/migrate";

export const TEST_DB_PREFIX = "fieldkit_test_";
/**
 * Each `vitest run` names its databases after its own id, so two runs against one server (two
 * engineers, or CI next to a developer) never drop each other's databases.
 */
const runId = () => process.env.FIELDKIT_TEST_RUN ?? "solo";
const templateName = () => `${TEST_DB_PREFIX}${runId()}_template`;

/**
 * `drop database … with (force)`, retried: a non-superuser cannot terminate an autovacuum worker
 * (it runs as the bootstrap superuser), so a drop racing one fails with 42501 until it finishes.
 */
export async function dropDatabase(admin: postgres.Sql, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== "42501" && code !== "55006") || attempt >= 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** globalSetup: build the migrated template once per run. Returns where it lives. */
export async function prepareTemplate(opts: { databaseUrl?: string; pgliteTemplatePath: string }): Promise<void> {
  if (opts.databaseUrl) {
    const admin = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await dropAbandonedTestDatabases(admin);
      await admin.unsafe(`create database "${templateName()}"`);
      // The owning process, so a later run can tell this run's leftovers from a run still going.
      await admin.unsafe(`comment on database "${templateName()}" is 'pid:${process.pid}'`);
    } finally {
      await admin.end();
    }
    const handle = await createDb({ url: withDatabase(opts.databaseUrl, templateName()), max: 1 });
    try {
      await migrateDb(handle);
    } finally {
      await handle.close();
    }
    return;
  }
  const handle = await createDb();
  try {
    await migrateDb(handle);
    if (handle.raw.kind !== "pglite") throw new Error("unreachable");
    const dump = await handle.raw.client.dumpDataDir("none");
    const { writeFileSync, mkdirSync } = await import("node:fs");
    const path = await import("node:path");
    mkdirSync(path.dirname(opts.pgliteTemplatePath), { recursive: true });
    writeFileSync(opts.pgliteTemplatePath, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await handle.close();
  }
}

/**
 * e2e: a PGlite data directory for an app process (`<DATA_DIR>/pglite`), migrated, made from the run's
 * template in ~1 s instead of the ~6 s of CPU that migrating costs a server or a fault test's fixture.
 * Without a template (PostgreSQL runs, a lone file) it does nothing and the app migrates as users' does.
 */
export async function pgliteDataDirFromTemplate(dataDir: string): Promise<DbHandle | undefined> {
  const template = process.env.FIELDKIT_PGLITE_TEMPLATE;
  if (!template || process.env.DATABASE_URL) return undefined;
  mkdirSync(dataDir, { recursive: true });
  return createDb({ dataDir: pathJoin(dataDir, "pglite"), loadDataDir: new Blob([readFileSync(template)]) });
}

/** Drops this run's databases (at the end of the run). */
export async function dropTestDatabases(admin: postgres.Sql): Promise<void> {
  const rows = await admin<{ datname: string }[]>`
    select datname from pg_database where datname like ${`${TEST_DB_PREFIX}${runId()}_%`}`;
  for (const { datname } of rows) {
    await dropDatabase(admin, datname);
  }
}

/** Drops databases left behind by runs whose process no longer exists (a crash, a killed CI job). */
async function dropAbandonedTestDatabases(admin: postgres.Sql): Promise<void> {
  const templates = await admin<{ datname: string; note: string | null }[]>`
    select datname, shobj_description(oid, 'pg_database') as note from pg_database
    where datname like ${`${TEST_DB_PREFIX}%_template`}`;
  for (const { datname, note } of templates) {
    const pid = Number(note?.match(/^pid:(\d+)$/)?.[1]);
    if (pid && isAlive(pid)) continue;
    const run = datname.slice(TEST_DB_PREFIX.length, -"_template".length);
    const all = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`${TEST_DB_PREFIX}${run}_%`}`;
    for (const db of all) await dropDatabase(admin, db.datname);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A migrated (or, for upgrade tests, blank) empty database of its own for one test file. */
export async function createTestDatabase({ migrated = true } = {}): Promise<DbHandle & { url?: string }> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const name = `${TEST_DB_PREFIX}${runId()}_${randomBytes(6).toString("hex")}`;
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}"${migrated ? ` template "${templateName()}"` : ""}`);
    } finally {
      await admin.end();
    }
    const url = withDatabase(databaseUrl, name);
    const handle = await createDb({ url, max: 5, logger: checkSqlScopes });
    return {
      ...handle,
      url,
      close: async () => {
        await handle.close();
        const a = postgres(databaseUrl, { max: 1, onnotice: () => {} });
        await dropDatabase(a, name).finally(() => a.end());
      },
    };
  }
  if (!migrated) return createDb({ logger: checkSqlScopes });
  const pglite = (await takeSpare()) ?? (await freshFromTemplate());
  const handle = await createDb({ pglite, logger: checkSqlScopes });
  return { ...handle, close: async () => giveBack(pglite) };
}

// PGlite: starting an instance from the template costs 0.6–0.9 s (WebAssembly, the data directory),
// emptying one ~0.1 s, and the node project runs some 75 files in one process (isolate: false). So a
// file's closed database is kept, and the next file gets it emptied, unless anything but table rows
// changed (schema, extensions, migrations), or it no longer answers: then a fresh one.
let spare: PGlite | undefined;
let template: { fingerprint: string; tables: string } | undefined;

async function freshFromTemplate(): Promise<PGlite> {
  const path = process.env.FIELDKIT_PGLITE_TEMPLATE;
  if (!path) throw new Error("test/setup/global.ts did not prepare a PGlite template");
  const { raw } = await createDb({ loadDataDir: new Blob([readFileSync(path)]) });
  if (raw.kind !== "pglite") throw new Error("expected PGlite");
  template ??= await shapeOf(raw.client);
  return raw.client;
}

async function giveBack(pglite: PGlite) {
  if (spare || !template) return pglite.close();
  spare = pglite;
}

async function takeSpare(): Promise<PGlite | undefined> {
  const pglite = spare;
  spare = undefined;
  if (!pglite || !template) return undefined;
  try {
    // A file may end inside a transaction, or leave session settings, temp tables or locks behind.
    await pglite.exec("rollback; discard all;");
    if ((await shapeOf(pglite)).fingerprint !== template.fingerprint) throw new Error("the schema changed");
    await pglite.exec(`truncate ${template.tables} restart identity cascade`);
    return pglite;
  } catch {
    await pglite.close().catch(() => undefined);
    return undefined;
  }
}

/** Everything but table rows that a test could change, hashed, and the tables to empty. */
async function shapeOf(pglite: PGlite): Promise<{ fingerprint: string; tables: string }> {
  const { db } = await createDb({ pglite });
  const [row] = rowsOf<{ fingerprint: string; tables: string }>(
    await db.execute(sql`
      with shape(x) as (
        select c.relkind::text || ':' || n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_to%' and n.nspname not like 'pg_temp%'
        union all select 'a:' || a.attrelid::regclass || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':' || a.attnotnull
          from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
          where n.nspname in ('public', 'drizzle') and a.attnum > 0 and not a.attisdropped
        union all select 'f:' || p.oid::regprocedure || ':' || md5(p.prosrc) from pg_proc p where p.pronamespace = 'public'::regnamespace
        union all select 't:' || tgrelid::regclass || '.' || tgname || ':' || tgenabled::text from pg_trigger where not tgisinternal
        union all select 'c:' || conrelid::regclass || '.' || conname from pg_constraint where connamespace = 'public'::regnamespace
        union all select 'y:' || t.typname || ':' || e.enumlabel from pg_type t join pg_enum e on e.enumtypid = t.oid
        union all select 'e:' || extname || ':' || extversion from pg_extension
        union all select 'm:' || count(*) from drizzle.__drizzle_migrations
      )
      select md5(string_agg(x, ',' order by x)) as fingerprint,
        (select string_agg(c.oid::regclass::text, ', ') from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')) as tables
      from shape
    `),
  );
  return row;
}
