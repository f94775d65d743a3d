import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { latestWins } from "~/offline/conflict";
import { openOfflineDb, type OfflineDb } from "~/offline/db";
import {
  backoffDelay,
  enqueue,
  eventEntry,
  flushOutbox,
  listOutbox,
  ratingEntry,
  rejectedEvents,
  requestEntry,
  resetBackoff,
} from "~/offline/outbox";
import type { CatalogItem } from "~/offline/types";
import { VISIBILITY_TOLERANCE_MS } from "@/vocabulary/feedback";
import { fakeApi, freshDbName } from "./offline-fakes";

const USER = "11111111-1111-4111-8111-111111111111";
const ITEM = "22222222-2222-4222-8222-222222222222";
const ITEM2 = "33333333-3333-4333-8333-333333333333";

let db: OfflineDb;
beforeEach(async () => {
  db = await openOfflineDb(freshDbName());
});
afterEach(() => db.close());

const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));

describe("outbox ordering and batching", () => {
  it("sends entries in the order they were queued", async () => {
    const api = fakeApi();
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }));
    await enqueue(db, ratingEntry(USER, ITEM, { useful: true }));
    await enqueue(db, requestEntry(USER, { text: "A deck for hospitals" }));
    await enqueue(db, eventEntry(USER, { type: "dwell", itemId: ITEM, props: { ms: 4000 } }));
    const result = await flushOutbox(db, { userId: USER, fetch: api.fetch });
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "POST /api/v1/events",
      `PUT /api/v1/items/${ITEM}/rating`,
      "POST /api/v1/requests",
      "POST /api/v1/events",
    ]);
    expect(result).toMatchObject({ sent: 4, refused: 0, remaining: 0 });
    expect(await listOutbox(db)).toEqual([]);
  });

  it("says whose outbox it sends, so the server refuses it under someone else's session, and keeps the entries", async () => {
    const api = fakeApi();
    await enqueue(db, ratingEntry(USER, ITEM, { useful: true }));
    await enqueue(db, requestEntry(USER, { text: "A deck for hospitals" }));
    api.fail(401);
    const result = await flushOutbox(db, { userId: USER, fetch: api.fetch });
    expect(result).toMatchObject({ sent: 0, stopped: "signed-out" });
    expect(api.calls.map((c) => c.headers.get("X-Fieldkit-User"))).toEqual([USER]);
    expect((await listOutbox(db)).length).toBe(2);
  });

  it("sends a rating with the version its page showed", async () => {
    const api = fakeApi();
    const versionId = "55555555-5555-4555-8555-555555555555";
    await enqueue(db, ratingEntry(USER, ITEM, { useful: false, versionId }));
    await flushOutbox(db, { userId: USER, fetch: api.fetch });
    expect(api.calls.map((c) => c.body)).toMatchObject([{ useful: false, versionId }]);
  });

  it("sends consecutive events as batches of at most 500", async () => {
    const api = fakeApi();
    for (let i = 0; i < 1203; i++) await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }));
    await flushOutbox(db, { userId: USER, fetch: api.fetch });
    expect(api.calls.map((c) => c.body.length)).toEqual([500, 500, 203]);
    expect(api.events.size).toBe(1203);
  });

  it("sends only the signed-in user's entries and keeps another user's for later", async () => {
    const api = fakeApi();
    const other = "44444444-4444-4444-8444-444444444444";
    await enqueue(db, eventEntry(other, { type: "view", itemId: ITEM }));
    await enqueue(db, eventEntry(USER, { type: "share", itemId: ITEM }));
    const result = await flushOutbox(db, { userId: USER, fetch: api.fetch });
    expect(result.sent).toBe(1);
    expect([...api.events.values()].map((e) => e.type)).toEqual(["share"]);
    expect((await listOutbox(db)).map((e) => e.userId)).toEqual([other]);
  });

  it("keeps an entry in the outbox until the server has answered", async () => {
    let release!: () => void;
    const api = fakeApi();
    const slowFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      await new Promise<void>((r) => (release = r));
      return api.fetch(input, init);
    }) as typeof globalThis.fetch;
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }));
    const flushing = flushOutbox(db, { userId: USER, fetch: slowFetch });
    await expect.poll(() => typeof release).toBe("function");
    expect(await listOutbox(db)).toHaveLength(1);
    release();
    await flushing;
    expect(await listOutbox(db)).toHaveLength(0);
  });
});

describe("retry with backoff", () => {
  it("doubles the delay per attempt with jitter and caps it at five minutes", () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, () => 1))).toEqual([2000, 4000, 8000, 16000]);
    expect([1, 2, 3].map((a) => backoffDelay(a, () => 0))).toEqual([1000, 2000, 4000]);
    expect(backoffDelay(30, () => 1)).toBe(300_000);
  });

  it("keeps the entry after a network failure and waits for the backoff before trying again", async () => {
    const api = fakeApi();
    let now = 1_000_000;
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }), now);
    api.fail("network");
    const first = await flushOutbox(db, { userId: USER, fetch: api.fetch, now: () => now, random: () => 1 });
    expect(first).toMatchObject({ stopped: "offline", remaining: 1, retryAt: now + 2000 });
    const [entry] = await listOutbox(db);
    expect(entry.attempts).toBe(1);
    expect(entry.lastError).toMatch(/Failed to fetch/);

    now += 1999;
    const early = await flushOutbox(db, { userId: USER, fetch: api.fetch, now: () => now });
    expect(early.stopped).toBe("waiting");
    expect(api.calls).toHaveLength(1);

    now += 1;
    const later = await flushOutbox(db, { userId: USER, fetch: api.fetch, now: () => now });
    expect(later).toMatchObject({ sent: 1, remaining: 0 });
  });

  it("backs off longer after each failed attempt", async () => {
    const api = fakeApi();
    let now = 0;
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }), now);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      api.fail(503);
      const r = await flushOutbox(db, { userId: USER, fetch: api.fetch, now: () => now, random: () => 1 });
      expect(r.stopped).toBe("server");
      delays.push(r.retryAt! - now);
      now = r.retryAt!;
    }
    expect(delays).toEqual([2000, 4000, 8000]);
  });

  it("tries again at once when the connection comes back", async () => {
    const api = fakeApi();
    const now = 50_000;
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }), now);
    api.fail("network");
    await flushOutbox(db, { userId: USER, fetch: api.fetch, now: () => now });
    await resetBackoff(db, USER, now);
    expect(await flushOutbox(db, { userId: USER, fetch: api.fetch, now: () => now })).toMatchObject({ sent: 1, remaining: 0 });
  });

  it("marks an entry the server refuses for good as failed, never re-sends it, and goes on with the rest", async () => {
    const api = fakeApi();
    await enqueue(db, ratingEntry(USER, ITEM, { useful: false }));
    await enqueue(db, requestEntry(USER, { text: "Pricing for clinics" }));
    api.fail(404);
    const result = await flushOutbox(db, { userId: USER, fetch: api.fetch });
    expect(result).toMatchObject({ sent: 1, refused: 1, remaining: 0 });
    const [failed] = await listOutbox(db);
    expect(failed).toMatchObject({ kind: "rating", failed: true, lastError: "Server said 404" });
    await flushOutbox(db, { userId: USER, fetch: api.fetch });
    expect(api.calls).toHaveLength(2);
  });

  it("leaves entries untouched when the session has ended", async () => {
    const api = fakeApi();
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }));
    api.fail(401);
    const result = await flushOutbox(db, { userId: USER, fetch: api.fetch });
    expect(result.stopped).toBe("signed-out");
    const [entry] = await listOutbox(db);
    expect(entry.attempts).toBe(0);
  });

  it("counts events the server rejected as refused and does not re-send them", async () => {
    const api = fakeApi();
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }));
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM2 }));
    api.rejectNextEventIndexes([1]);
    expect(await flushOutbox(db, { userId: USER, fetch: api.fetch })).toMatchObject({ sent: 1, refused: 1, remaining: 0 });
  });

  it("keeps an event the server rejected, marked failed with the server's reason, and never sends it again", async () => {
    const api = fakeApi();
    const kept = eventEntry(USER, { type: "view", itemId: ITEM2 });
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }));
    await enqueue(db, kept);
    await enqueue(db, eventEntry(USER, { type: "dwell", itemId: ITEM }));
    api.rejectNextEventIndexes([1]);
    await flushOutbox(db, { userId: USER, fetch: api.fetch });
    const left = await listOutbox(db, USER);
    expect(left).toEqual([expect.objectContaining({ id: kept.id, kind: "event", failed: true, lastError: "No such item." })]);
    expect(await flushOutbox(db, { userId: USER, fetch: api.fetch })).toMatchObject({ sent: 0, refused: 0, remaining: 0 });
    expect(api.calls).toHaveLength(1);
    expect([...api.events.keys()]).not.toContain(kept.id);
  });

  it("reads only well-formed rejections of a batch, by position", () => {
    const body = { rejected: [{ index: 0, message: "Too old." }, { index: 2 }, { index: 9, message: "x" }, { index: "1" }, null] };
    expect([...rejectedEvents(body, 3)]).toEqual([
      [0, "Too old."],
      [2, "Refused by the server."],
    ]);
    expect(rejectedEvents({ accepted: 3 }, 3).size).toBe(0);
    expect(rejectedEvents(null, 3).size).toBe(0);
  });
});

describe("duplicate suppression", () => {
  it("ignores an entry whose client id is already queued", async () => {
    const entry = eventEntry(USER, { type: "view", itemId: ITEM });
    expect(await enqueue(db, entry)).toBe(true);
    expect(await enqueue(db, entry)).toBe(false);
    expect(await listOutbox(db)).toHaveLength(1);
  });

  it("keeps only the latest queued rating of an item", async () => {
    await enqueue(db, ratingEntry(USER, ITEM, { useful: true, at: t(1) }));
    await enqueue(db, ratingEntry(USER, ITEM2, { useful: true, at: t(1) }));
    await enqueue(db, ratingEntry(USER, ITEM, { useful: false, comment: "Out of date", at: t(2) }));
    const ratings = (await listOutbox(db)).filter((e) => e.kind === "rating");
    expect(ratings.map((e) => [e.itemId, (e.body as { useful: boolean }).useful])).toEqual([
      [ITEM2, true],
      [ITEM, false],
    ]);
  });

  it("does not queue a usage event on an item the device's catalog says had expired by then, past the server's tolerance", async () => {
    const expiresAt = t(0);
    await db.put("catalog", { id: ITEM, expiresAt: expiresAt.toISOString() } as CatalogItem);
    const at = (ms: number) => new Date(expiresAt.getTime() + ms);
    expect(await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM, at: at(-60_000) }))).toBe(true);
    // A phone's clock a little ahead: the server still counts it, so it travels.
    expect(await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM, at: at(VISIBILITY_TOLERANCE_MS - 1) }))).toBe(true);
    expect(await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM, at: at(VISIBILITY_TOLERANCE_MS) }))).toBe(false);
    expect(await enqueue(db, eventEntry(USER, { type: "dwell", itemId: ITEM, props: { ms: 4000 }, at: at(3_600_000) }))).toBe(false);
    // Not an event, an item with no end, or one the device does not know: queued as before.
    expect(await enqueue(db, ratingEntry(USER, ITEM, { useful: false, comment: "Expired", at: at(3_600_000) }))).toBe(true);
    await db.put("catalog", { id: ITEM2, expiresAt: null } as CatalogItem);
    expect(await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM2, at: at(3_600_000) }))).toBe(true);
    expect(await enqueue(db, eventEntry(USER, { type: "view", itemId: "44444444-4444-4444-8444-444444444444", at: at(3_600_000) }))).toBe(
      true,
    );
    expect((await listOutbox(db)).map((e) => e.kind)).toEqual(["event", "event", "rating", "event", "event"]);
  });

  it("drops a rating older than the one already queued for the item", async () => {
    await enqueue(db, ratingEntry(USER, ITEM, { useful: false, at: t(5) }));
    expect(await enqueue(db, ratingEntry(USER, ITEM, { useful: true, at: t(3) }))).toBe(false);
    const [only] = await listOutbox(db);
    expect((only.body as { useful: boolean }).useful).toBe(false);
  });

  it("delivers everything exactly once when acknowledgements are lost and the flush is repeated", async () => {
    const api = fakeApi();
    await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }));
    await enqueue(db, eventEntry(USER, { type: "dwell", itemId: ITEM, props: { ms: 12000 } }));
    await enqueue(db, ratingEntry(USER, ITEM, { useful: true, comment: "Won the meeting" }));
    await enqueue(db, requestEntry(USER, { text: "Case study for dental clinics", query: "dental" }));
    // Each kind's first call reaches the server but its answer is lost, as when the page closes mid-flush.
    api.fail("lost-ack", "ok", "lost-ack", "ok", "lost-ack");
    let now = Date.now();
    for (let round = 0; round < 6 && (await listOutbox(db)).length; round++) {
      await flushOutbox(db, { userId: USER, fetch: api.fetch, now: () => now });
      now += 10 * 60_000;
    }
    expect(await listOutbox(db)).toEqual([]);
    expect(api.events.size).toBe(2);
    expect(api.ratings.size).toBe(1);
    expect(api.requests.size).toBe(1);
    // Every re-send carried the same client id, so the server could tell it apart from new actions.
    const requestKeys = api.calls.filter((c) => c.path === "/api/v1/requests").map((c) => c.headers.get("Idempotency-Key"));
    expect(new Set(requestKeys).size).toBe(1);
    expect(requestKeys.length).toBeGreaterThan(1);
  });

  it("sends each entry once when two flushes run at the same time", async () => {
    const api = fakeApi();
    for (let i = 0; i < 3; i++) await enqueue(db, eventEntry(USER, { type: "view", itemId: ITEM }));
    await Promise.all([flushOutbox(db, { userId: USER, fetch: api.fetch }), flushOutbox(db, { userId: USER, fetch: api.fetch })]);
    expect(api.calls.flatMap((c) => c.body.map((e: { id: string }) => e.id))).toHaveLength(3);
  });
});

describe("conflict rule", () => {
  it("keeps the rating given last, whichever arrives first", () => {
    const older = { at: t(1).toISOString(), useful: true };
    const newer = { at: t(2).toISOString(), useful: false };
    expect(latestWins(older, newer)).toBe(newer);
    expect(latestWins(newer, older)).toBe(newer);
  });

  it("lets the later-queued rating win a tie and ignores an unreadable time", () => {
    const a = { at: t(1).toISOString(), useful: true };
    const b = { at: t(1).toISOString(), useful: false };
    expect(latestWins(a, b)).toBe(b);
    expect(latestWins(a, { at: "yesterday-ish", useful: false })).toBe(a);
  });
});
