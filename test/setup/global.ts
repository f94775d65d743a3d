// Once per `vitest run`: migrate a template database and start Meilisearch when the platform has it.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { dropTestDatabases, prepareTemplate } from "./databases";
import { findMeilisearchBinary, startMeilisearch, type MeiliServer } from "./meilisearch";

declare module "vitest" {
  export interface ProvidedContext {
    meili: { host: string; key: string } | { skipped: string };
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-test-"));
  process.env.FIELDKIT_TEST_RUN = randomBytes(4).toString("hex");
  const pgliteTemplatePath = path.join(dir, "template.tar");
  // Workers inherit the environment of the process that spawns them after global setup.
  process.env.FIELDKIT_PGLITE_TEMPLATE = pgliteTemplatePath;
  process.env.FIELDKIT_TEST_TMP = dir;
  await prepareTemplate({ databaseUrl: process.env.DATABASE_URL, pgliteTemplatePath });

  let meili: MeiliServer | undefined;
  if (process.env.MEILI_HOST) {
    project.provide("meili", { host: process.env.MEILI_HOST, key: process.env.MEILI_KEY ?? "" });
  } else {
    const found = findMeilisearchBinary();
    if (found.ok) {
      meili = await startMeilisearch(found.binary);
      project.provide("meili", { host: meili.host, key: meili.key });
    } else {
      project.provide("meili", { skipped: found.reason });
    }
  }

  return async () => {
    await meili?.stop();
    if (process.env.DATABASE_URL) {
      const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
      await dropTestDatabases(admin).finally(() => admin.end());
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
