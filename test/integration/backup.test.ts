// Backup and restore on whichever database this run uses: PGlite data directory or pg_dump/pg_restore.
import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { backupDatabase, restoreDatabase } from "@/db/backup";
import { createDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { teams } from "@/db/schema";
import { dropDatabase, withDatabase } from "../setup/databases";

const dir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-backup-"));
const adminUrl = process.env.DATABASE_URL;
const dbName = `fieldkit_test_backup_${randomBytes(4).toString("hex")}`;
const target = { databaseUrl: adminUrl ? withDatabase(adminUrl, dbName) : undefined, pgliteDir: path.join(dir, "pglite") };
const open = () => createDb(target.databaseUrl ? { url: target.databaseUrl, max: 1 } : { dataDir: target.pgliteDir });

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await dropDatabase(admin, dbName).finally(() => admin.end());
  }
});

it("restores exactly what was backed up, discarding later changes", async () => {
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`).finally(() => admin.end());
  }
  let handle: DbHandle = await open();
  await migrateDb(handle);
  await handle.db.insert(teams).values({ name: "Before backup", region: "East" });
  await handle.close();

  const file = path.join(dir, "backup.bin");
  await backupDatabase(target, file);
  expect(statSync(file).size).toBeGreaterThan(1000);

  handle = await open();
  await handle.db.insert(teams).values({ name: "After backup" });
  await handle.db.update(teams).set({ region: "West" }).where(eq(teams.name, "Before backup"));
  await handle.close();

  await restoreDatabase(target, file);
  handle = await open();
  const rows = await handle.db.select({ name: teams.name, region: teams.region }).from(teams);
  await handle.close();
  expect(rows).toEqual([{ name: "Before backup", region: "East" }]);
}, 120_000);

it("refuses to restore from a missing file and leaves the database as it was", async () => {
  await expect(restoreDatabase(target, path.join(dir, "nope"))).rejects.toThrow(/No backup file/);
});

it("refuses to back up or restore an embedded database another process has open, and takes over a dead one's lock", async () => {
  if (target.databaseUrl) return;
  const file = path.join(dir, "locked.bin");
  // Another live process holds the directory (as the server does while it runs).
  const holder = spawn("sleep", ["30"], { stdio: "ignore" });
  try {
    writeFileSync(`${target.pgliteDir}.lock`, String(holder.pid));
    await expect(backupDatabase(target, file)).rejects.toThrow(new RegExp(`in use by process ${holder.pid}`));
    await expect(restoreDatabase(target, path.join(dir, "backup.bin"))).rejects.toThrow(/in use by process/);
    expect(existsSync(file)).toBe(false);
  } finally {
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
  }
  // The holder died without cleaning up: its lock no longer stops anyone.
  await backupDatabase(target, file);
  expect(statSync(file).size).toBeGreaterThan(1000);
  expect(existsSync(`${target.pgliteDir}.lock`)).toBe(false);
}, 120_000);
