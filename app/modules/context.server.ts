// What every loader and action receives as `context.app`. Built once by server/context.ts
// (or by a test), so no module opens its own connections or reads process.env.
import type { Db, DbHandle } from "../../db/client";
import type { Env } from "../../server/env";

export type AppContext = {
  env: Env;
  db: Db;
  dbHandle: DbHandle;
  services: AppServices;
};

/** Capabilities that come with their own engines; each layer adds its own field. */
export interface AppServices {
  search?: { health(): Promise<{ engine: "postgres" | "meilisearch"; status: "ok" | "degraded" }> };
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    app: AppContext;
    /** Per-request nonce for the Content-Security-Policy (set by server/http.ts). */
    cspNonce?: string;
  }
}
