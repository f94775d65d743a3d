// What every loader and action receives as `context.app`. Built once by server/context.ts
// (or by a test), so no module opens its own connections or reads process.env.
import type { Db, DbHandle } from "@/db/client";
import type { Env } from "~/env.server";

export type AppContext = {
  env: Env;
  db: Db;
  dbHandle: DbHandle;
  services: AppServices;
  /**
   * Set by the HTTP server for each request (never shared between requests), so the layout's and
   * the page's loaders resolve the signed-in user once. Absent in tests that call loaders directly.
   */
  requestCache?: Map<string, Promise<unknown>>;
  /** The client's address (proxies on loopback are trusted), for per-client rate limits. Absent in tests. */
  clientAddress?: string;
  /**
   * Set for document requests only: markup loaders draw for the server render alone, so it is not sent
   * twice (app/modules/document-markup.server.ts). Absent for data requests and in tests.
   */
  documentMarkup?: Map<string, string>;
};

/** Capabilities that come with their own engines; each layer adds its own field. */
export interface AppServices {
  /** Uploaded files and their derivatives, content-addressed (content/storage.ts). */
  storage?: import("@/content/storage").FileStorage;
  /** The supervised worker processes that parse and draw users' files (content/workers/pool.ts). */
  files?: import("@/content/workers/pool").FileWork;
  /** The durable Postgres job queue runner (content/jobs.ts): previews, extraction, sweeps. */
  jobs?: import("@/content/jobs").JobRunner;
  /** Search engines, the outbox sync and the Postgres fallback (search/service.ts). */
  search?: import("@/search/service").SearchService;
  /** Per-user rate limit on usage events (app/modules/usage/rate-limit.server.ts). */
  feedback?: { eventLimiter: import("./usage/rate-limit.server").EventRateLimiter };
  /** Outgoing mail: SMTP when configured, otherwise the local outbox (app/modules/mail/mail.server.ts). */
  mail?: import("./mail/mail.server").MailTransport;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    app: AppContext;
    /** Per-request nonce for the Content-Security-Policy (set by server/http.ts). */
    cspNonce?: string;
  }
}
