// The publishing side in-process, for the upload benches: a context on an in-memory PGlite with local
// storage, the job runner and the given file work, and a marketer who uploads.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AppContext } from "~/modules/context.server";
import type { SessionUser } from "~/modules/auth/session.server";
import { libraryJobHandlers } from "~/modules/library/jobs.server";
import { createJobRunner, type JobRunner } from "@/content/jobs";
import { createLocalStorage } from "@/content/storage";
import type { FileWork } from "@/content/workers/pool";
import { createDb } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { users } from "@/db/schema";
import { loadEnv, type Env } from "~/env.server";

export type UploadApp = { app: AppContext; user: SessionUser; jobs: JobRunner; close(): Promise<void> };

export async function uploadApp(label: string, makeWork: (env: Env) => FileWork): Promise<UploadApp> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `fieldkit-bench-${label}-`));
  const env = loadEnv({ NODE_ENV: "test", DATA_DIR: dataDir, SESSION_SECRET: "bench-secret-0123456789abcdef" });
  const handle = await createDb();
  const files = makeWork(env);
  const close = async () => {
    await files.close();
    await handle.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await migrateDb(handle);
    const storage = createLocalStorage(env.STORAGE_DIR);
    const jobs = createJobRunner({ db: handle.db, handlers: libraryJobHandlers(handle.db, storage, files), log: () => {} });
    const app: AppContext = { env, db: handle.db, dbHandle: handle, services: { storage, files, jobs } };
    const [row] = await handle.db
      .insert(users)
      .values({ email: "bench@bench.invalid", name: "Bench", role: "marketer", passwordHash: "x" })
      .returning();
    const user: SessionUser = { id: row.id, email: row.email, name: row.name, role: "marketer", teamId: null, leadsTeamIds: [] };
    return { app, user, jobs, close };
  } catch (error) {
    await close();
    throw error;
  }
}
