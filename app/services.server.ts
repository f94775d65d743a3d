// The services a deployment is configured to use, built from the parsed settings (app/env.server.ts):
// the database, the search engines and the file workers. The server and the scripts both start here.
import { openDatabase, type Db, type DbHandle } from "@/db/client";
import { createFileWorkers } from "@/content/workers/pool";
import { createSearchService, type SearchService } from "@/search/service";
import type { Env } from "./env.server";

export const databaseFromEnv = (env: Pick<Env, "DATABASE_URL" | "DATA_DIR">): Promise<DbHandle> =>
  openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });

export const fileWorkersFromEnv = (env: Pick<Env, "FILE_WORKERS" | "FILE_WORKER_MEMORY_MB">, log: (line: string) => void) =>
  createFileWorkers({ size: env.FILE_WORKERS, memoryMb: env.FILE_WORKER_MEMORY_MB, log });

/** Meilisearch when MEILI_HOST is set, otherwise Postgres only. */
export function searchServiceFromEnv(env: Pick<Env, "MEILI_HOST" | "MEILI_KEY">, db: Db, log?: (line: string) => void): SearchService {
  return createSearchService({
    db,
    meili: env.MEILI_HOST ? { host: env.MEILI_HOST, key: env.MEILI_KEY } : undefined,
    log,
  });
}
