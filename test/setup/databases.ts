// Test databases: every test file gets its own freshly migrated database, on PGlite (a copy of a
// migrated template data directory) or on the PostgreSQL server named by DATABASE_URL (a database
// created from a migrated template database). Same migrations, same tests, both engines.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { createDb, type DbHandle } from "@/db/client";
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
    const handle = await createDb({ url, max: 5 });
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
  if (!migrated) return createDb({});
  const template = process.env.FIELDKIT_PGLITE_TEMPLATE;
  if (!template) throw new Error("test/setup/global.ts did not prepare a PGlite template");
  return createDb({ loadDataDir: new Blob([readFileSync(template)]) });
}
