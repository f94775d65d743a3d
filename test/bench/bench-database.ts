// A migrated database of a bench group's own: a new database on the server in DATABASE_URL, or an
// embedded PGlite in a temporary folder (which a server process the bench starts can open after it).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { createDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { withDatabase } from "../setup/databases";

export type BenchDatabase = {
  handle: DbHandle;
  /** The new database's URL; "" on PGlite. */
  url: string;
  /** A server started on this database gets DATA_DIR = dataDir (PGlite lives in dataDir/pglite). */
  dataDir: string;
  /** Removes the folder and the database; the handle must be closed first. */
  drop(): Promise<void>;
};

export async function benchDatabase(label: string): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `fieldkit-bench-${label}-`));
  const adminUrl = process.env.DATABASE_URL;
  const dbName = `fieldkit_bench_${label}_${randomBytes(4).toString("hex")}`;
  let url = "";
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`).finally(() => admin.end());
    url = withDatabase(adminUrl, dbName);
  }
  const handle = await createDb(url ? { url, max: 4 } : { dataDir: path.join(dataDir, "pglite") });
  await migrateDb(handle);
  return {
    handle,
    url,
    dataDir,
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      if (!adminUrl) return;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      // NOTE: (force) cannot end an autovacuum worker that runs as the superuser; a leftover database
      // must not throw away the figures just measured.
      await admin
        .unsafe(`drop database if exists "${dbName}" with (force)`)
        .catch((error: Error) => console.warn(`  could not drop ${dbName}: ${error.message}`))
        .finally(() => admin.end());
    },
  };
}
