// Builds the one AppContext the server holds: database (migrated), and the services later layers add.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { createDb, type DbHandle } from "../db/client";
import { migrateDb } from "../db/migrate";
import { seedDemo } from "../db/seed/demo";
import type { AppContext } from "../app/modules/context.server";
import { libraryJobHandlers } from "../app/modules/library/jobs.server";
import { createJobRunner } from "../content/jobs";
import { createLocalStorage } from "../content/storage";
import { searchServiceFromEnv } from "../search/from-env";
import type { Env } from "./env";

export async function openDatabase(env: Env): Promise<DbHandle> {
  if (env.DATABASE_URL) return createDb({ url: env.DATABASE_URL });
  const dataDir = path.join(env.DATA_DIR, "pglite");
  mkdirSync(dataDir, { recursive: true });
  return createDb({ dataDir });
}

export type RunningContext = AppContext & { close(): Promise<void> };

export async function createAppContext(env: Env, options: { log?: (line: string) => void } = {}): Promise<RunningContext> {
  const log = options.log ?? (() => {});
  const dbHandle = await openDatabase(env);
  const storage = createLocalStorage(env.STORAGE_DIR);
  try {
    // Uploads cut off by a crash left only temp files (items are created after the file is stored).
    const orphans = await storage.cleanTemp();
    if (orphans) log(`Removed ${orphans} unfinished upload(s).`);
    await migrateDb(dbHandle);
    if (env.demoSeed) {
      const seeded = await seedDemo(dbHandle.db, { storage });
      if (seeded) log("Seeded the demo library.");
    }
  } catch (error) {
    await dbHandle.close();
    throw error;
  }
  const jobs = createJobRunner({ db: dbHandle.db, handlers: libraryJobHandlers(dbHandle.db, storage), log });
  // Search: fills empty indexes (e.g. after the demo seed), then drains the outbox in the background.
  const search = searchServiceFromEnv(env, dbHandle.db, log);
  await search.bootstrap();
  const ctx: AppContext = { env, db: dbHandle.db, dbHandle, services: { storage, jobs, search } };
  jobs.start();
  search.start();
  return {
    ...ctx,
    close: async () => {
      await search.stop();
      await jobs.stop();
      await dbHandle.close();
    },
  };
}
