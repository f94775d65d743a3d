import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openOfflineDb, type OfflineDb } from "~/offline/db";
import { eventEntry, listOutbox } from "~/offline/outbox";
import { commitStaged, stageEntry } from "~/offline/staging";
import { mergeRecent, recentOpens, RECENT_KEPT, withOpens } from "~/offline/recent";
import { freshDbName } from "./offline-fakes";

const USER = "11111111-1111-4111-8111-111111111111";
const OTHER = "44444444-4444-4444-8444-444444444444";
const ITEM = "22222222-2222-4222-8222-222222222222";

/** The Storage API's two calls, in memory (Node has no localStorage). */
function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), map };
}

let db: OfflineDb;
beforeEach(async () => {
  db = await openOfflineDb(freshDbName());
});
afterEach(() => db.close());

describe("staging actions before the page can go away", () => {
  it("keeps a staged view across a 'reload' and moves it into the outbox once", async () => {
    const store = memoryStorage();
    const view = eventEntry(USER, { type: "view", itemId: ITEM });
    stageEntry(view, store);
    // The page went away here; a new page commits what was staged.
    expect(await commitStaged(db, USER, store)).toBe(1);
    expect(await commitStaged(db, USER, store)).toBe(0);
    expect((await listOutbox(db, USER)).map((e) => e.id)).toEqual([view.id]);
  });

  it("does not duplicate an entry that reached the outbox before the staging was cleared", async () => {
    const store = memoryStorage();
    const view = eventEntry(USER, { type: "view", itemId: ITEM });
    stageEntry(view, store);
    await commitStaged(db, USER, store);
    stageEntry(view, store); // as if the tab died between the outbox write and clearing the stage
    await commitStaged(db, USER, store);
    expect(await listOutbox(db, USER)).toHaveLength(1);
  });

  it("leaves another user's staged entries for them", async () => {
    const store = memoryStorage();
    stageEntry(eventEntry(OTHER, { type: "view", itemId: ITEM }), store);
    stageEntry(eventEntry(USER, { type: "view", itemId: ITEM }), store);
    expect(await commitStaged(db, USER, store)).toBe(1);
    expect(JSON.parse(store.map.get("fieldkit:staged-outbox")!)).toHaveLength(1);
    expect(await commitStaged(db, OTHER, store)).toBe(1);
  });

  it("survives unreadable staging data", async () => {
    const store = memoryStorage();
    store.setItem("fieldkit:staged-outbox", "{not json");
    expect(await commitStaged(db, USER, store)).toBe(0);
    stageEntry(eventEntry(USER, { type: "view", itemId: ITEM }), store);
    expect(await commitStaged(db, USER, store)).toBe(1);
  });
});

describe("recently opened on this device", () => {
  const ITEM2 = "33333333-3333-4333-8333-333333333333";
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 9, minute)).toISOString();

  it("remembers each view as it reaches the outbox, newest first, one entry per item, per person", async () => {
    const store = memoryStorage();
    stageEntry({ ...eventEntry(USER, { type: "view", itemId: ITEM }), at: at(1) }, store);
    stageEntry({ ...eventEntry(USER, { type: "view", itemId: ITEM2 }), at: at(2) }, store);
    stageEntry({ ...eventEntry(USER, { type: "dwell", itemId: ITEM2, props: { ms: 9000 } }), at: at(3) }, store);
    stageEntry({ ...eventEntry(OTHER, { type: "view", itemId: ITEM2 }), at: at(4) }, store);
    await commitStaged(db, USER, store);
    expect(await recentOpens(db, USER)).toEqual([ITEM2, ITEM]);
    // Opened again: it moves to the top, still once.
    stageEntry({ ...eventEntry(USER, { type: "view", itemId: ITEM }), at: at(5) }, store);
    await commitStaged(db, USER, store);
    expect(await recentOpens(db, USER)).toEqual([ITEM, ITEM2]);
    // Another person's opens stay theirs.
    expect(await recentOpens(db, OTHER)).toEqual([]);
    await commitStaged(db, OTHER, store);
    expect(await recentOpens(db, OTHER)).toEqual([ITEM2]);
  });

  it("leaves out an opened item that has expired since", async () => {
    const store = memoryStorage();
    stageEntry({ ...eventEntry(USER, { type: "view", itemId: ITEM }), at: at(1) }, store);
    stageEntry({ ...eventEntry(USER, { type: "view", itemId: ITEM2 }), at: at(2) }, store);
    await commitStaged(db, USER, store);
    const entry = { id: ITEM2, type: "deck", title: "Old deck", summary: "", tags: [], version: 1, versionId: "v", bodyMd: null };
    const rest = { file: null, previews: [], pageCount: null, videoUrl: null, publishedAt: null, updatedAt: at(0) };
    await db.put("catalog", { ...entry, ...rest, expiresAt: at(30) });
    expect(await recentOpens(db, USER, Date.parse(at(29)))).toEqual([ITEM2, ITEM]);
    expect(await recentOpens(db, USER, Date.parse(at(30)))).toEqual([ITEM]);
  });

  it("keeps a bounded list, and puts the device's opens before the server's without repeating one", () => {
    const opens = Array.from({ length: RECENT_KEPT + 5 }, (_, n) => ({ itemId: `item-${n}`, at: at(n), userId: USER }));
    const kept = withOpens([], opens);
    expect(kept).toHaveLength(RECENT_KEPT);
    expect(kept[0].itemId).toBe(`item-${RECENT_KEPT + 4}`);
    const card = (id: string) => ({ id });
    expect(mergeRecent([card("b"), card("a")], [card("a"), card("c"), card("d")], 3)).toEqual([card("b"), card("a"), card("c")]);
    expect(mergeRecent([], [card("x")], 5)).toEqual([card("x")]);
  });
});
