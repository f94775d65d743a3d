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
