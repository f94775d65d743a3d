// Applies the committed migrations in db/migrations with drizzle's migrator, on either driver.
// NOTE: drizzle-kit's own `migrate` fails silently here and cannot load PGlite extensions.
import { fileURLToPath } from "node:url";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { DbHandle } from "./client";

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** `folder` is for tests that upgrade a database from an older set of migrations. */
export async function migrateDb(handle: DbHandle, folder = migrationsFolder): Promise<void> {
  if (handle.raw.kind === "pglite") {
    await migratePglite(drizzlePglite({ client: handle.raw.client }), { migrationsFolder: folder });
  } else {
    await migratePostgres(drizzlePostgres({ client: handle.raw.client }), { migrationsFolder: folder });
  }
}

// `npm run db:migrate`: migrate the configured database and exit non-zero on failure.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { loadEnv } = await import("../server/env");
  const { openDatabase } = await import("../server/context");
  const env = loadEnv();
  const handle = await openDatabase(env);
  try {
    await migrateDb(handle);
    console.log(`Migrated ${handle.driver === "postgres" ? "PostgreSQL" : `PGlite in ${env.DATA_DIR}`}.`);
  } catch (error) {
    console.error("Migration failed:", error);
    process.exitCode = 1;
  } finally {
    await handle.close();
  }
}
