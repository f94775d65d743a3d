// `npm run db:backup [-- <file>]` and `npm run db:restore -- <file>` (decision 007).
import path from "node:path";
import { backupDatabase, restoreDatabase } from "@/db/backup";
import { loadEnv } from "~/env.server";

const env = loadEnv();
const [command, fileArg] = process.argv.slice(2);
const target = { databaseUrl: env.DATABASE_URL, pgliteDir: path.join(env.DATA_DIR, "pglite") };
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
try {
  if (command === "backup") {
    const file = fileArg ?? path.join(env.DATA_DIR, "backups", `fieldkit-${stamp}.${env.DATABASE_URL ? "dump" : "tar.gz"}`);
    await backupDatabase(target, file);
    console.log(`Backed up the database to ${file}. Copy ${env.STORAGE_DIR} alongside it for the files.`);
  } else if (command === "restore" && fileArg) {
    await restoreDatabase(target, fileArg);
    console.log(`Restored the database from ${fileArg}.`);
  } else {
    console.error("Usage: npm run db:backup [-- <file>] | npm run db:restore -- <file>");
    process.exitCode = 2;
  }
} catch (error) {
  console.error(`${command} failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
