// globalSetup for browser tests: build the app, start the real server (PGlite in a temp dir, or a
// fresh database on the PostgreSQL server when DATABASE_URL is set) with the demo seed, and stop it after.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { TEST_DB_PREFIX, withDatabase } from "./databases";

export const CHROMIUM = "/usr/bin/chromium";

declare module "vitest" {
  export interface ProvidedContext {
    e2e: { baseURL: string; chromium: string } | { skipped: string };
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.once("error", reject);
  });

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    project.provide("e2e", { skipped: `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)` });
    return;
  }
  const build = spawnSync("npm", ["run", "-s", "build"], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-e2e-"));
  let databaseUrl: string | undefined;
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `${TEST_DB_PREFIX}e2e_${randomBytes(4).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`).finally(() => admin.end());
    databaseUrl = withDatabase(adminUrl, name);
  }
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "server/start.ts", "--no-build"], {
    env: {
      ...process.env,
      NODE_ENV: "test",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl ?? "",
      SESSION_SECRET: "e2e-secret-0123456789abcdef",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  const baseURL = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The app exited during start-up:\n${output}`);
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) break;
    } catch {
      // still starting
    }
    if (Date.now() > deadline) throw new Error(`The app did not become healthy in 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  project.provide("e2e", { baseURL, chromium: CHROMIUM });

  return async () => {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    if (databaseUrl && adminUrl) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${new URL(databaseUrl).pathname.slice(1)}" with (force)`).finally(() => admin.end());
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}
