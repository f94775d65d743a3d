// `npm run import -- <folder> [--as admin@example.com] [--publish]`: bulk-imports a folder into the
// library configured by the environment, with a progress bar and a line per file. Safe to re-run.
import path from "node:path";
import { parseArgs } from "node:util";
import { and, eq } from "drizzle-orm";
import { libraryJobHandlers } from "~/modules/library/jobs.server";
import { migrateDb } from "@/db/migrate";
import { users } from "@/db/schema";
import { databaseFromEnv, fileWorkersFromEnv } from "~/services.server";
import { loadEnv } from "~/env.server";
import { createJobRunner } from "@/content/jobs";
import { createLocalStorage } from "@/content/storage";
import { importFolder, importer, type ImportOutcome } from "~/modules/library/import.server";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { as: { type: "string" }, publish: { type: "boolean", default: false }, help: { type: "boolean", short: "h" } },
});
if (values.help || positionals.length !== 1) {
  console.log(`Usage: npm run import -- <folder> [--as <email>] [--publish]

Imports every file listed in <folder>/manifest.csv (columns: file,title,summary,type,tags,audiences,
expires,verify_days; tags as facet:value separated by ";"; audiences as team names), or every file
in the folder when there is no manifest, plus Markdown files with front matter (title, type, tags…).
Items are created as drafts; --publish publishes them at once (needs an admin).
Files already in the library (same content hash) are skipped, so the import can be run again.`);
  process.exit(values.help ? 0 : 64);
}

const env = loadEnv();
const handle = await databaseFromEnv(env);
const tty = process.stderr.isTTY;
const bar = (done: number, total: number) => {
  const width = 24;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
};
const line = (o: ImportOutcome) =>
  o.status === "created"
    ? `  ✓ ${o.file} → item ${o.itemId}${o.problem ? ` (kept as draft: ${o.problem})` : ""}`
    : o.status === "skipped"
      ? `  = ${o.file}: ${o.reason}`
      : `  ✗ ${o.file}: ${o.reason}`;

const work = fileWorkersFromEnv(env, (line) => console.error(line));
try {
  await migrateDb(handle);
  const storage = createLocalStorage(env.STORAGE_DIR);
  const jobs = createJobRunner({ db: handle.db, handlers: libraryJobHandlers(handle.db, storage, work), log: (l) => console.error(l) });
  const app = { env, db: handle.db, dbHandle: handle, services: { storage, files: work, jobs } };
  let email = values.as;
  if (!email) {
    const [admin] = await handle.db
      .select({ email: users.email })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.active, true)))
      .limit(1);
    if (!admin) throw new Error("No active admin to import as; pass --as <email>.");
    email = admin.email;
  }
  const user = await importer(app, email);
  if (values.publish && user.role !== "admin") throw new Error("--publish needs an admin (it approves the imported items).");
  const folder = path.resolve(positionals[0]);
  console.log(`Importing ${folder} as ${user.email}${values.publish ? ", publishing" : " as drafts"}…`);

  const outcomes = await importFolder(app, user, folder, {
    publish: values.publish,
    onProgress: (done, total, outcome) => {
      if (tty) process.stderr.write(`\r\x1b[2K`);
      console.log(line(outcome));
      if (tty) process.stderr.write(`${bar(done, total)} ${outcome.file}`);
    },
  });
  if (tty) process.stderr.write("\r\x1b[2K");

  // Text extraction now, so imported items are searchable when the command returns; page images are
  // left to the server's job runner.
  const extracted = await jobs.runUntilIdle({ kinds: ["extract_version"] });
  const count = (s: ImportOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
  console.log(
    `\nCreated ${count("created")}, skipped ${count("skipped")} (already imported), failed ${count("failed")}. Extracted text from ${extracted} file(s).`,
  );
  if (count("failed")) process.exitCode = 1;
} catch (error) {
  console.error(`Import failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await work.close();
  await handle.close();
}
