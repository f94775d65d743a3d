// Fault: Meilisearch is stopped while the app serves searches. The real server process (not the search
// service alone: test/contract/search.test.ts covers its outbox catch-up) keeps answering every search
// from Postgres — no error, the same hits — and /healthz stays 200 with search "degraded".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareFaultApp, type FaultApp } from "../setup/fault-app";
import { attempt, buildMissing, poll, traffic } from "../setup/fault-traffic";
import { findMeilisearchBinary, startMeilisearch, type MeiliServer } from "../setup/meilisearch";
import type { AppServer } from "../setup/server-process";

const found = findMeilisearchBinary();
const skip = buildMissing() ?? (found.ok ? null : found.reason);

describe.skipIf(skip)(`Meilisearch stopped during traffic${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let meili: MeiliServer | undefined;
  let fault: FaultApp;
  let server: AppServer;

  beforeAll(async () => {
    if (!found.ok) return;
    meili = await startMeilisearch(found.binary);
    fault = await prepareFaultApp({ env: { MEILI_HOST: meili.host, MEILI_KEY: meili.key } });
    server = await fault.start();
  });
  afterAll(async () => {
    await server?.stop();
    await meili?.stop();
    await fault?.destroy();
  });

  type Answer = { engine: string; hits: { id: string }[] };
  const search = async () => {
    const r = await attempt("search", `${server.baseURL}/api/v1/search?q=uptime`, { headers: { cookie: fault.seller.cookie } });
    return { ...r, json: r.status === 200 ? (JSON.parse(r.body) as Answer) : null };
  };

  it("answers every search from Postgres once Meilisearch is gone, with the same hits, and reports search degraded", async () => {
    // The app indexed the published item into Meilisearch at start-up.
    const before = await poll("Meilisearch to answer", async () => {
      const r = await search();
      return r.json?.engine === "meilisearch" && r.json.hits.length > 0 ? r.json : null;
    });
    expect(before.hits.map((h) => h.id)).toEqual([fault.itemId]);

    const load = traffic([search], 2);
    await poll("traffic", async () => load.outcomes.length >= 4);
    await meili!.stop();
    meili = undefined;
    const after = await poll("an answer from Postgres", async () => {
      const r = await search();
      return r.json?.engine === "postgres" ? r.json : null;
    });
    await poll("more traffic after the stop", async () => load.outcomes.length >= 20);
    const outcomes = await load.stop();

    expect(after.hits.map((h) => h.id)).toEqual([fault.itemId]);
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    const health = await fetch(`${server.baseURL}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", db: "ok", search: { engine: "meilisearch", status: "degraded" } });
    // Pages that search keep working too.
    expect((await attempt("page", `${server.baseURL}/search?q=uptime`, { headers: { cookie: fault.seller.cookie } })).status).toBe(200);
  });
});
