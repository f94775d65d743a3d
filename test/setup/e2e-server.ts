// globalSetup for browser tests: build the app, seed the demo library (PGlite in a temp dir, or a fresh
// database on the PostgreSQL server when DATABASE_URL is set), start the production server on it, and
// stop it after.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { CHROMIUM } from "./chromium";
import { dropDatabase, pgliteDataDirFromTemplate, prepareTemplate, withDatabase } from "./databases";
import { buildIfNeeded } from "@/server/build";
import { startAppServer } from "./server-process";

declare module "vitest" {
  export interface ProvidedContext {
    e2e: { baseURL: string; chromium: string } | { skipped: string };
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    project.provide("e2e", { skipped: `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)` });
    return;
  }
  // The production bundle users get (buildIfNeeded builds with NODE_ENV=production; vitest sets "test"),
  // built only when the sources are newer than the last build, so the second suite in .ci/run reuses it.
  buildIfNeeded((line) => console.log(line));

  const dataDir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-e2e-"));
  let databaseUrl: string | undefined;
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    // Its own prefix: the node project's setup drops stale `fieldkit_test_*` databases while this one runs.
    const name = `fieldkit_e2e_${randomBytes(4).toString("hex")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`).finally(() => admin.end());
    databaseUrl = withDatabase(adminUrl, name);
  } else {
    // One migration for the lane: fault fixtures and servers of their own start from a copy of it.
    process.env.FIELDKIT_PGLITE_TEMPLATE = path.join(dataDir, "template.tar");
    await prepareTemplate({ pgliteTemplatePath: process.env.FIELDKIT_PGLITE_TEMPLATE });
    await (await pgliteDataDirFromTemplate(path.join(dataDir, "app")))?.close();
  }
  const env = {
    DATA_DIR: path.join(dataDir, "app"),
    DATABASE_URL: databaseUrl ?? "",
    SESSION_SECRET: "e2e-secret-0123456789abcdef",
    // Chromium here has no push service: the browser tests hand the server endpoints on this host.
    PUSH_SERVICE_HOSTS: "push.example.test",
  };
  // The production server never seeds, so the demo library is seeded first, by the command a user runs
  // (`npm run db:seed`, demo files and their text included). The browser then gets the HTML users get:
  // React's production renderer, and module scripts deferred until the first paint (entry.server.tsx).
  await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/db-seed.ts"], {
    env: { ...process.env, ...env, NODE_ENV: "test" },
  });
  const server = await startAppServer({ ...env, NODE_ENV: "production" });
  const baseURL = server.baseURL;
  project.provide("e2e", { baseURL, chromium: CHROMIUM });

  return async () => {
    await server.stop();
    // Read beside a failed test: past 3 s a phone's worker answers from its copy, so a test that waited for
    // a fresh page may have seen the copy.
    const slow = server.slowAnswers();
    if (slow.length) console.log(`The browser tests' server answered ${slow.length} request(s) slowly:\n${slow.join("\n")}`);
    if (databaseUrl && adminUrl) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropDatabase(admin, new URL(databaseUrl).pathname.slice(1)).finally(() => admin.end());
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
}
