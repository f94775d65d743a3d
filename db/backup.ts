// `npm run db:backup [-- <file>]` and `npm run db:restore -- <file>`.
// Embedded PGlite: a gzipped tarball of the data directory (taken through PGlite, so it is consistent).
// PostgreSQL: pg_dump's custom format, restored with pg_restore --clean.
// Files in STORAGE_DIR are content-addressed and never rewritten: copy that folder alongside (rsync/cp -r).
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { unaccent } from "@electric-sql/pglite/contrib/unaccent";
import { lockPgliteDir } from "./pglite-lock";

const run = promisify(execFile);

export type BackupTarget = { databaseUrl?: string; pgliteDir: string };

export async function backupDatabase(target: BackupTarget, file: string): Promise<void> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (target.databaseUrl) {
    await run("pg_dump", ["--format=custom", "--no-owner", `--file=${file}`, `--dbname=${target.databaseUrl}`]);
    return;
  }
  if (!existsSync(target.pgliteDir)) throw new Error(`No embedded database at ${target.pgliteDir}`);
  // The server must be stopped: refused while it holds the directory (see pglite-lock.ts).
  const release = lockPgliteDir(target.pgliteDir);
  try {
    const db = await PGlite.create({ dataDir: target.pgliteDir, extensions: { pg_trgm, unaccent } });
    try {
      const dump = await db.dumpDataDir("gzip");
      writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}

export async function restoreDatabase(target: BackupTarget, file: string): Promise<void> {
  if (!existsSync(file)) throw new Error(`No backup file at ${file}`);
  if (target.databaseUrl) {
    await run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", `--dbname=${target.databaseUrl}`, file]);
    return;
  }
  // Not under a running server (see pglite-lock.ts); the lock is checked, not held: the swap moves the directory.
  lockPgliteDir(target.pgliteDir)();
  // Restore into a fresh directory, then swap, so a failed restore leaves the current data untouched.
  const fresh = `${target.pgliteDir}.restoring`;
  rmSync(fresh, { recursive: true, force: true });
  const db = await PGlite.create({
    dataDir: fresh,
    loadDataDir: new Blob([readFileSync(file)]),
    extensions: { pg_trgm, unaccent },
  });
  await db.query("select 1");
  await db.close();
  const old = `${target.pgliteDir}.before-restore`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(target.pgliteDir)) renameSync(target.pgliteDir, old);
  renameSync(fresh, target.pgliteDir);
  rmSync(old, { recursive: true, force: true });
}
