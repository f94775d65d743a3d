// Fault: the PostgreSQL server goes away and comes back while the app serves traffic. The app must
// answer 503 (a page for browsers, JSON for the API, Retry-After on both) instead of hanging or
// answering 500, say so on /healthz, and recover on its own, keeping every event batch it acknowledged.
// The database is a throwaway server of this file's own (never the shared one at DATABASE_URL), so
// this file runs the same in the PGlite and the PostgreSQL pass of CI.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { prepareFaultApp, type FaultApp } from "../setup/fault-app";
import { attempt, buildMissing, eventBatch, HANG_MS, poll, postEvents, traffic, type EventRow, type Outcome } from "../setup/fault-traffic";
import { findPostgresServer, startPostgresServer, type PostgresServer } from "../setup/postgres-server";
import type { AppServer } from "../setup/server-process";

const found = findPostgresServer();
const skip = buildMissing() ?? (found.ok ? null : found.reason);

describe.skipIf(skip)(`PostgreSQL restarted during traffic${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let pg: PostgresServer;
  let fault: FaultApp;
  let server: AppServer;

  beforeAll(async () => {
    if (!found.ok) return;
    pg = await startPostgresServer(found.bindir);
    // A short request deadline, so the stuck request below is answered in seconds, not the default 15.
    fault = await prepareFaultApp({ databaseUrl: pg.url, env: { REQUEST_DEADLINE_SECONDS: "4" } });
    server = await fault.start();
  });
  afterAll(async () => {
    await server?.stop();
    await fault?.destroy();
    await pg?.destroy();
  });

  const itemPage = () => attempt("item page", `${server.baseURL}/items/${fault.itemId}`, { headers: { cookie: fault.seller.cookie } });
  const searchApi = () => attempt("search", `${server.baseURL}/api/v1/search?q=uptime`, { headers: { cookie: fault.seller.cookie } });
  const health = async () => {
    const r = await attempt("healthz", `${server.baseURL}/healthz`);
    return { ...r, json: r.status === 200 || r.status === 503 ? (JSON.parse(r.body) as { status: string; db: string }) : null };
  };

  it.each(["fast", "immediate"] as const)(
    "answers 503 with Retry-After while PostgreSQL is down (%s shutdown), never 500 or a hang, and recovers without a restart",
    async (mode) => {
      const acked: EventRow[] = [];
      const sendEvents = async (): Promise<Outcome> => {
        const batch = eventBatch(fault.itemId, 20);
        const r = await postEvents(server.baseURL, fault.seller.cookie, batch);
        if (r.status === 200) acked.push(...batch);
        return r;
      };
      const load = traffic([itemPage, searchApi, sendEvents]);
      onTestFinished(async () => {
        await load.stop();
        await pg.start();
      });
      await poll("traffic to be served", async () => load.outcomes.filter((o) => o.status === 200).length >= 6);

      await pg.stop(mode);
      const downAt = Date.now();
      const unreachable = await poll("/healthz to report the database down", async () => {
        const h = await health();
        return h.status === 503 && h.json?.db === "unreachable" ? h : null;
      });
      expect(unreachable.json).toMatchObject({ status: "unavailable", db: "unreachable" });

      // What a browser and an API client see during the outage.
      const page = await itemPage();
      expect(page.status).toBe(503);
      expect(page.headers?.get("retry-after")).toMatch(/^\d+$/);
      expect(page.headers?.get("content-type")).toMatch(/text\/html/);
      expect(page.body).toContain("reach its database right now");
      const api = await searchApi();
      expect(api.status).toBe(503);
      expect(api.headers?.get("retry-after")).toMatch(/^\d+$/);
      expect(JSON.parse(api.body)).toEqual({ error: { code: "unavailable", message: expect.stringContaining("database") } });
      await poll("the traffic to meet the outage", async () => load.outcomes.some((o) => o.at >= downAt && o.status === 503));

      await pg.start();
      // Same process, no restart: the pool reconnects by itself.
      await poll("the item page to be served again", async () => (await itemPage()).status === 200);
      await poll(
        "traffic to be served again",
        async () => load.outcomes.filter((o) => o.at > Date.now() - 1_000 && o.status === 200).length >= 3,
      );
      const outcomes = await load.stop();
      expect((await health()).json).toMatchObject({ status: "ok", db: "ok" });

      // Every answer was a success or a clean 503: no 500, no dropped connection, nothing waited HANG_MS.
      const bad = outcomes.filter((o) => o.status !== 200 && o.status !== 503);
      expect(bad, `unexpected outcomes (a hang means no answer within ${HANG_MS} ms)`).toEqual([]);
      expect(outcomes.some((o) => o.status === 503)).toBe(true);

      // Every batch the app acknowledged is stored, whole.
      const db = postgres(pg.url, { max: 1, onnotice: () => {} });
      try {
        const ids = acked.map((e) => e.id);
        const stored = ids.length ? await db`select count(*)::int as n from events where id = any(${ids}::uuid[])` : [{ n: 0 }];
        expect(stored[0].n).toBe(ids.length);
      } finally {
        await db.end();
      }
      expect(server.output()).toMatch(/database reachable again after/);
    },
  );

  it("answers a request stuck behind a lock with a 503 at the request deadline, then serves normally", async () => {
    const db = postgres(pg.url, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const locked = new Promise<void>((resolveLocked, rejectLocked) => {
      // Every signed-in request reads `sessions` first: with it locked, the pool's queries all wait.
      db.begin(async (tx) => {
        await tx`lock table sessions in access exclusive mode`;
        resolveLocked();
        await released;
      }).catch(rejectLocked);
    });
    try {
      await locked;
      const stuck = await fetch(`${server.baseURL}/api/v1/items/${fault.itemId}`, {
        headers: { cookie: fault.seller.cookie },
        signal: AbortSignal.timeout(60_000),
      });
      expect(stuck.status).toBe(503);
      expect(stuck.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(((await stuck.json()) as { error: { code: string } }).error.code).toBe("unavailable");
    } finally {
      release();
      await db.end();
    }
    expect((await itemPage()).status).toBe(200);
    expect(server.output()).toMatch(/no answer after \d+ s; answered 503/);
    expect(server.output()).not.toContain("ERR_HTTP_HEADERS_SENT");
  });
});
