// Benchmarks and the load test run the production server, which never seeds demo data: this
// prepares its database first (a new one on the server at DATABASE_URL, else PGlite in DATA_DIR),
// migrated and seeded with the demo library, and removes everything afterwards.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { createDb, type Db } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { seedDemo } from "~/modules/demo/seed.server";
import { dropDatabase, withDatabase } from "./databases";
import { startAppServer, type AppServer } from "./server-process";

export type DemoDeployment = {
  dataDir: string;
  /** "" on PGlite: the server then opens `$DATA_DIR/pglite`. */
  databaseUrl: string;
  /** Human-readable engine, for a figure's conditions. */
  engine: "PostgreSQL 15" | "PGlite";
  /** The production server on this data; if it cannot start, the deployment is removed too. */
  startServer(env: Record<string, string>): Promise<AppServer>;
  /** Removes the data directory and drops the database. */
  destroy(): Promise<void>;
};

export async function prepareDemoDeployment(
  label: string,
  /** Extra data written before the server starts (PGlite is single-process). */
  extra?: (db: Db) => Promise<void>,
): Promise<DemoDeployment> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `fieldkit-${label}-`));
  const adminUrl = process.env.DATABASE_URL;
  const dbName = `fieldkit_${label.replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`;
  const destroy = async () => {
    rmSync(dataDir, { recursive: true, force: true });
    if (adminUrl) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropDatabase(admin, dbName).finally(() => admin.end());
    }
  };
  let databaseUrl = "";
  if (adminUrl) {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${dbName}"`).finally(() => admin.end());
    databaseUrl = withDatabase(adminUrl, dbName);
  }
  try {
    const handle = await createDb(databaseUrl ? { url: databaseUrl } : { dataDir: path.join(dataDir, "pglite") });
    try {
      await migrateDb(handle);
      await seedDemo(handle.db);
      await extra?.(handle.db);
    } finally {
      await handle.close();
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  const startServer = (env: Record<string, string>) =>
    startAppServer({ NODE_ENV: "production", DATA_DIR: dataDir, DATABASE_URL: databaseUrl, ...env }).catch(async (error) => {
      await destroy();
      throw error;
    });
  return { dataDir, databaseUrl, engine: adminUrl ? "PostgreSQL 15" : "PGlite", startServer, destroy };
}

/** Signs the demo seller in through the API; answers the session cookie as `name=value`. */
export async function signInDemoSeller(baseURL: string): Promise<string> {
  const login = await fetch(`${baseURL}/api/v1/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "seller@demo.test", password: "fieldkit-demo" }),
  });
  if (login.status !== 200) throw new Error(`sign-in answered ${login.status}`);
  return login.headers.get("set-cookie")!.split(";")[0];
}
