// Builds the one AppContext the server holds: database (migrated), and the services later layers add.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { createDb, type DbHandle } from "../db/client";
import { migrateDb } from "../db/migrate";
import { seedDemo } from "../db/seed/demo";
import type { AppContext } from "../app/modules/context.server";
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
  try {
    await migrateDb(dbHandle);
    if (env.demoSeed) {
      const seeded = await seedDemo(dbHandle.db);
      if (seeded) log("Seeded the demo library.");
    }
  } catch (error) {
    await dbHandle.close();
    throw error;
  }
  const ctx: AppContext = { env, db: dbHandle.db, dbHandle, services: {} };
  return {
    ...ctx,
    close: async () => {
      await dbHandle.close();
    },
  };
}
