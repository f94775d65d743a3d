// The search service as configured: Meilisearch when MEILI_HOST is set, otherwise Postgres only.
import type { Db } from "../db/client";
import type { Env } from "../server/env";
import { createSearchService, type SearchService } from "./service";

export function searchServiceFromEnv(env: Pick<Env, "MEILI_HOST" | "MEILI_KEY">, db: Db, log?: (line: string) => void): SearchService {
  return createSearchService({
    db,
    meili: env.MEILI_HOST ? { host: env.MEILI_HOST, key: env.MEILI_KEY } : undefined,
    log,
  });
}
