// Test databases: every test file gets its own freshly migrated database, on PGlite (a copy of a
// migrated template data directory) or on the PostgreSQL server named by DATABASE_URL (a database
// created from a migrated template database). Same migrations, same tests, both engines.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { createDb, type DbHandle } from "../../db/client";
import { migrateDb } from "../../db/migrate";

export const TEMPLATE_DB = "fieldkit_test_template";
export const TEST_DB_PREFIX = "fieldkit_test_";

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
      await dropTestDatabases(admin);
      await admin.unsafe(`create database "${TEMPLATE_DB}"`);
    } finally {
      await admin.end();
    }
    const handle = await createDb({ url: withDatabase(opts.databaseUrl, TEMPLATE_DB), max: 1 });
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

export async function dropTestDatabases(admin: postgres.Sql): Promise<void> {
  const rows = await admin<{ datname: string }[]>`
    select datname from pg_database where datname like ${TEST_DB_PREFIX + "%"}`;
  for (const { datname } of rows) {
    await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  }
}

/** A migrated, empty database of its own for one test file. */
export async function createTestDatabase(): Promise<DbHandle & { url?: string }> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const name = TEST_DB_PREFIX + randomBytes(6).toString("hex");
    const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}" template "${TEMPLATE_DB}"`);
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
        await a.unsafe(`drop database if exists "${name}" with (force)`).finally(() => a.end());
      },
    };
  }
  const template = process.env.FIELDKIT_PGLITE_TEMPLATE;
  if (!template) throw new Error("test/setup/global.ts did not prepare a PGlite template");
  return createDb({ loadDataDir: new Blob([readFileSync(template)]) });
}
