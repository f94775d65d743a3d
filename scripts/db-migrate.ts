// `npm run db:migrate`: migrate the configured database and exit non-zero on failure.
import { openDatabase } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { loadEnv } from "~/env.server";

const env = loadEnv();
const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
try {
  await migrateDb(handle);
  console.log(`Migrated ${handle.driver === "postgres" ? "PostgreSQL" : `PGlite in ${env.DATA_DIR}`}.`);
} catch (error) {
  console.error("Migration failed:", error);
  process.exitCode = 1;
} finally {
  await handle.close();
}
