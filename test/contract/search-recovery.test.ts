// Meilisearch answering with less than Postgres knows: never built (unreachable when the app started,
// or set up and still empty), or refusing writes while searches still succeed. Each time Postgres
// answers and search reports degraded, until the sync has caught Meilisearch up. Real Meilisearch.
import { randomBytes } from "node:crypto";
import { createServer, connect, type Server, type Socket } from "node:net";
import { eq } from "drizzle-orm";
import { Meilisearch } from "meilisearch";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { items, searchOutbox, searchSynonyms } from "@/db/schema";
import { createMeiliIndex } from "@/search/meilisearch";
import { queueSearchSync } from "@/search/outbox";
import { createSearchService, type SearchService } from "@/search/service";
import type { SearchRequest } from "@/search/types";
import { createTestApp, type TestApp } from "../setup/app";
import { findMeilisearchBinary, startMeilisearch } from "../setup/meilisearch";
import { createItem } from "./search-fixtures";

const meili = inject("meili");
const skipped = "skipped" in meili ? meili.skipped : undefined;
const indexName = () => `recovery_${randomBytes(5).toString("hex")}`;
const ask = (q: string): SearchRequest => ({ q, types: [], tags: [], offset: 0, limit: 20, scope: { teams: [], now: new Date() } });
const answer = async (service: SearchService, q: string) => {
  const r = await service.search(ask(q));
  return { engine: r.engine, ids: r.hits.map((h) => h.id).sort() };
};

/** A loopback port that refuses connections until `open()`, then forwards to Meilisearch: a server that starts after the app. */
async function lateMeilisearch(target: string) {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    const to = connect(Number(upstream.port), upstream.hostname);
    track(client);
    track(to);
    client.pipe(to).pipe(client);
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    }),
  );
  return {
    host: `http://127.0.0.1:${port}`,
    open: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.skipIf(skipped)(`search catches Meilisearch up${skipped ? ` (skipped: ${skipped})` : ""}`, { timeout: 60_000 }, () => {
  const server = meili as { host: string; key: string };
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  /** Published items already in the Postgres engine, as in a deployment that ran without Meilisearch. */
  async function publishedBefore(titles: string[]): Promise<string[]> {
    const ids = [];
    for (const title of titles) ids.push(await createItem(app.db, { title }));
    expect((await createSearchService({ db: app.db }).syncNow()).error).toBeUndefined();
    return ids.sort();
  }

  it("builds Meilisearch from the library once it is reachable after a start-up without it, and Postgres answers until then", async () => {
    const ids = await publishedBefore(["Gooseberry launch brief", "Gooseberry pricing sheet", "Gooseberry battle card"]);
    const postgresOnly = await answer(createSearchService({ db: app.db }), "gooseberry");
    expect(postgresOnly).toEqual({ engine: "postgres", ids });

    const late = await lateMeilisearch(server.host);
    const service = createSearchService({ db: app.db, meili: { host: late.host, key: server.key, index: indexName(), timeoutMs: 500 } });
    try {
      await service.bootstrap();
      expect(await answer(service, "gooseberry")).toEqual(postgresOnly);
      expect(await service.health()).toEqual({ engine: "meilisearch", status: "degraded" });

      await late.open();
      expect(await answer(service, "gooseberry")).toEqual(postgresOnly);
      expect((await service.syncNow()).error).toBeUndefined();
      expect(await answer(service, "gooseberry")).toEqual({ engine: "meilisearch", ids });
      expect(await service.health()).toEqual({ engine: "meilisearch", status: "ok" });
    } finally {
      await service.stop();
      await late.close();
    }
  });

  it("answers from Postgres, reporting degraded, on a worker that finds Meilisearch set up but still empty", async () => {
    const ids = await publishedBefore(["Elderflower case study", "Elderflower objection guide"]);
    const config = { host: server.host, key: server.key, index: indexName() };
    // What a sync's setup leaves behind before its build has run (or after the build failed midway).
    await createMeiliIndex(config).setup();
    // A worker that does not run the sync (WEB_CONCURRENCY > 1): it knows only what it can ask.
    const worker = createSearchService({ db: app.db, meili: config });
    expect(await answer(worker, "elderflower")).toEqual({ engine: "postgres", ids });
    expect(await worker.health()).toEqual({ engine: "meilisearch", status: "degraded" });

    const syncing = createSearchService({ db: app.db, meili: config });
    expect((await syncing.syncNow()).error).toBeUndefined();
    // health() looks afresh (searches rely on their last look for up to a second).
    expect(await worker.health()).toEqual({ engine: "meilisearch", status: "ok" });
    expect(await answer(worker, "elderflower")).toEqual({ engine: "meilisearch", ids });
  });

  it("answers from Postgres, reporting degraded, while Meilisearch refuses writes, so an archived item is never shown", async () => {
    const config = { host: server.host, key: server.key, index: indexName() };
    const writer = createSearchService({ db: app.db, meili: config });
    await writer.bootstrap();
    const archived = await createItem(app.db, { title: "Vexillum retired deck" });
    const kept = await createItem(app.db, { title: "Vexillum current deck" });
    expect((await writer.syncNow()).error).toBeUndefined();
    expect(await answer(writer, "vexillum")).toEqual({ engine: "meilisearch", ids: [archived, kept].sort() });

    // A key that may search but not write: every write of the sync fails, every search succeeds.
    const admin = new Meilisearch({ host: server.host, apiKey: server.key });
    const readOnly = await admin.createKey({
      actions: ["search", "indexes.get", "stats.get", "tasks.get"],
      indexes: ["*"],
      expiresAt: null,
    });
    const refused = createSearchService({ db: app.db, meili: { ...config, key: readOnly.key } });
    await app.db.transaction(async (tx) => {
      await tx.update(items).set({ status: "archived" }).where(eq(items.id, archived));
      await queueSearchSync(tx, [archived]);
    });
    const failed = await refused.syncNow();
    expect(failed.error).toBeTruthy();
    expect(failed.pending).toBe(1);
    expect((await app.db.select().from(searchOutbox))[0].attempts).toBeGreaterThan(0);

    expect(await answer(refused, "vexillum")).toEqual({ engine: "postgres", ids: [kept] });
    expect(await refused.health()).toEqual({ engine: "meilisearch", status: "degraded" });
    // Another worker, which never ran that sync, sees it too.
    const other = createSearchService({ db: app.db, meili: config });
    expect(await answer(other, "vexillum")).toEqual({ engine: "postgres", ids: [kept] });

    expect(await writer.syncNow()).toEqual({ processed: 1, pending: 0 });
    expect(await answer(writer, "vexillum")).toEqual({ engine: "meilisearch", ids: [kept] });
    expect(await writer.health()).toEqual({ engine: "meilisearch", status: "ok" });
  });

  it("gives Meilisearch a synonym group another worker stored but could not hand over, at the syncing worker's next sync", async () => {
    const syncing = createSearchService({ db: app.db, meili: { host: server.host, key: server.key, index: indexName() } });
    await syncing.bootstrap();
    const id = await createItem(app.db, { title: "Wintergreen acquisition cost explained" });
    expect((await syncing.syncNow()).error).toBeUndefined();
    expect(await answer(syncing, "wgac")).toEqual({ engine: "meilisearch", ids: [] });
    // Stored by a worker whose hand-over to Meilisearch failed (down at that moment): only the table has it.
    await app.db.insert(searchSynonyms).values({ terms: ["wgac", "wintergreen acquisition cost"] });
    expect((await syncing.syncNow()).error).toBeUndefined();
    expect(await answer(syncing, "wgac")).toEqual({ engine: "meilisearch", ids: [id] });
  });
});

const binary = findMeilisearchBinary();
describe.skipIf(!binary.ok)(
  `Meilisearch with a small payload limit${binary.ok ? "" : ` (skipped: ${binary.reason})`}`,
  { timeout: 60_000 },
  () => {
    let app: TestApp;
    let small: Awaited<ReturnType<typeof startMeilisearch>>;
    beforeAll(async () => {
      if (!binary.ok) return;
      app = await createTestApp();
      // Meilisearch's default limit is 100 MB; 200 items with long page text went over it in one batch.
      small = await startMeilisearch(binary.binary, ["--http-payload-size-limit", "300000"]);
    });
    afterAll(async () => {
      await small?.stop();
      await app?.close();
    });

    it("sends a batch too large for one request in several, so it is not refused again and again", async () => {
      const text = Array.from({ length: 6_000 }, (_, i) => `lumen${i % 97}`).join(" ");
      const ids = [];
      for (let i = 0; i < 12; i++) ids.push(await createItem(app.db, { title: `Quincunx guide ${i}`, pages: [text] }));
      const service = createSearchService({
        db: app.db,
        meili: { host: small.host, key: small.key, index: indexName(), maxPayloadBytes: 100_000, timeoutMs: 10_000 },
      });
      await service.bootstrap();
      expect(await service.syncNow()).toEqual({ processed: 12, pending: 0 });
      expect(await answer(service, "quincunx")).toEqual({ engine: "meilisearch", ids: ids.sort() });
    });
  },
);
