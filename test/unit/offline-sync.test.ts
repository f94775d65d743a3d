import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { forgetIfSignedOut, forgetSignedOutUser, lostAccess } from "~/offline/cleanup";
import { META, openOfflineDb, type OfflineDb, type SavedRecord } from "~/offline/db";
import { enqueue, eventEntry, flushOutbox, listOutbox } from "~/offline/outbox";
import { CACHE_NAMES } from "~/offline/routing";
import { getCursor, syncCatalog } from "~/offline/sync";
import type { CatalogItem, SyncResponse } from "~/offline/types";
import { fakeApi, freshDbName, memoryCache } from "./offline-fakes";

const USER = "11111111-1111-4111-8111-111111111111";

let db: OfflineDb;
beforeEach(async () => {
  db = await openOfflineDb(freshDbName());
});
afterEach(() => db.close());

function item(id: string, versionId = `${id}-v1`): CatalogItem {
  return {
    id,
    type: "deck",
    title: `Item ${id}`,
    summary: "",
    tags: [],
    version: 1,
    versionId,
    bodyMd: null,
    file: null,
    previews: [],
    pageCount: null,
    videoUrl: null,
    publishedAt: null,
    expiresAt: null,
    updatedAt: "2026-01-01T00:00:00.000Z",
  };
}

const page = (p: Partial<SyncResponse>): SyncResponse => ({ items: [], removed: [], cursor: "c", full: false, more: false, ...p });

/** A server that answers the `since` it is asked for from a script, and records what it was asked. */
function scriptedServer(script: Record<string, SyncResponse | "offline" | number>) {
  const asked: (string | null)[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    // Asked before claiming a device another person's store is on: this server's session is the syncing seller's.
    if (new URL(String(input), "http://app.test").pathname === "/api/v1/me") return new Response(JSON.stringify({ user: {} }));
    const since = new URL(String(input), "http://app.test").searchParams.get("since");
    asked.push(since);
    const answer = script[since ?? "none"];
    if (answer === undefined) throw new Error(`no script for since=${since}`);
    if (answer === "offline") throw new TypeError("Failed to fetch");
    if (typeof answer === "number")
      return new Response(JSON.stringify({ error: { code: "x", message: "Bad cursor" } }), { status: answer });
    return new Response(JSON.stringify(answer), { status: 200 });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

async function saveCopy(id: string, versionId = `${id}-v1`, cache = memoryCache(), extra: Partial<SavedRecord> = {}) {
  const urls = [`http://app.test/items/${id}`, `http://app.test/api/v1/items/${id}/file`, ...(extra.urls ?? [])];
  for (const u of urls) await cache.put(u, new Response("x"));
  const record: SavedRecord = {
    itemId: id,
    title: id,
    type: "deck",
    version: 1,
    versionId,
    bytes: 2,
    savedAt: "",
    stale: false,
    ...extra,
    urls,
  };
  await db.put("saved", record);
  return cache;
}

async function signedInAs(userId: string) {
  await db.put("meta", userId, META.userId);
}

describe("cursor handling", () => {
  it("stores the catalog and the cursor, and asks for changes since that cursor next time", async () => {
    const server = scriptedServer({
      none: page({ items: [item("a"), item("b")], cursor: "c1", full: true }),
      c1: page({ items: [item("b")], cursor: "c2" }),
    });
    await syncCatalog(db, { userId: USER, fetch: server.fetch });
    expect(await getCursor(db)).toBe("c1");
    await syncCatalog(db, { userId: USER, fetch: server.fetch });
    expect(server.asked).toEqual([null, "c1"]);
    expect(await getCursor(db)).toBe("c2");
    expect((await db.getAllKeys("catalog")).sort()).toEqual(["a", "b"]);
  });

  it("records when the server answered the last page of a complete sync, by the server's clock", async () => {
    const answers = [
      page({ items: [item("a")], cursor: "c1", full: true, more: true }),
      page({ items: [item("b")], cursor: "c2", full: true }),
    ];
    const dates = ["Sat, 05 Dec 2026 10:00:00 GMT", "Sat, 05 Dec 2026 10:00:02 GMT"];
    const fetch = (async () => {
      const date = dates.shift()!;
      return new Response(JSON.stringify(answers.shift()), { status: 200, headers: { Date: date } });
    }) as typeof globalThis.fetch;
    await syncCatalog(db, { userId: USER, fetch });
    // Not the first page's: until the last page the catalog is not complete.
    expect(await db.get("meta", META.syncedAt)).toBe("Sat, 05 Dec 2026 10:00:02 GMT");
  });

  it("follows `more` through every page of a delta, storing the cursor page by page", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    const server = scriptedServer({
      c0: page({ items: [item("a")], cursor: "c1", more: true }),
      c1: "offline",
    });
    expect(await syncCatalog(db, { userId: USER, fetch: server.fetch })).toEqual({ status: "offline" });
    // The first page was applied and its cursor kept: the next run resumes there.
    expect(await getCursor(db)).toBe("c1");
    expect(await db.get("catalog", "a")).toBeDefined();
    // But the catalog is not current up to that page's answer: what the next pages hold is still missing.
    expect(await db.get("meta", META.syncedAt)).toBeUndefined();
  });

  it("starts an interrupted complete sync over instead of resuming it as a delta", async () => {
    const server = scriptedServer({
      none: page({ items: [item("a")], cursor: "f1", full: true, more: true }),
      f1: "offline",
    });
    await syncCatalog(db, { userId: USER, fetch: server.fetch });
    expect(await getCursor(db)).toBeUndefined();
    await syncCatalog(db, { userId: USER, fetch: server.fetch });
    expect(server.asked).toEqual([null, "f1", null, "f1"]);
  });

  it("drops a cursor the server refuses and syncs the whole catalog again", async () => {
    await signedInAs(USER);
    await db.put("meta", "stale-cursor", META.cursor);
    const server = scriptedServer({
      "stale-cursor": 400,
      none: page({ items: [item("a")], cursor: "c1", full: true }),
    });
    const result = await syncCatalog(db, { userId: USER, fetch: server.fetch });
    expect(result).toMatchObject({ status: "ok", full: true });
    expect(server.asked).toEqual(["stale-cursor", null]);
    expect(await getCursor(db)).toBe("c1");
  });

  it("reports a signed-out session and changes nothing", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    const server = scriptedServer({ c0: 401 });
    expect(await syncCatalog(db, { userId: USER, fetch: server.fetch })).toEqual({ status: "signed-out" });
    expect(await getCursor(db)).toBe("c0");
  });
});

describe("freshness and cleanup", () => {
  it("marks a saved item whose newer version was published as stale", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    await saveCopy("a");
    const server = scriptedServer({ c0: page({ items: [item("a", "a-v2")], cursor: "c1" }) });
    const result = await syncCatalog(db, { userId: USER, fetch: server.fetch });
    expect(result).toMatchObject({ status: "ok", stale: ["a"] });
    expect((await db.get("saved", "a"))!.stale).toBe(true);
  });

  it("deletes a removed item's metadata, saved record and cached files", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    await db.put("catalog", item("gone"));
    await db.put("catalog", item("kept"));
    const cache = await saveCopy("gone");
    const server = scriptedServer({ c0: page({ removed: ["gone"], cursor: "c1" }) });
    const result = await syncCatalog(db, { userId: USER, fetch: server.fetch, cache });
    expect(result.status === "ok" && result.removedSaved.map((r) => r.itemId)).toEqual(["gone"]);
    expect(await db.getAllKeys("catalog")).toEqual(["kept"]);
    expect(await db.get("saved", "gone")).toBeUndefined();
    expect(cache.store.size).toBe(0);
  });

  it("after a complete sync, deletes every item on the device the server no longer lists", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    for (const id of ["a", "b", "lost"]) await db.put("catalog", item(id));
    const cache = await saveCopy("lost");
    // The seller moved team: the server answers the old cursor with a complete catalog over two pages.
    const server = scriptedServer({
      c0: page({ items: [item("a")], cursor: "f1", full: true, more: true }),
      f1: page({ items: [item("b")], cursor: "c9", full: true }),
    });
    await syncCatalog(db, { userId: USER, fetch: server.fetch, cache });
    expect((await db.getAllKeys("catalog")).sort()).toEqual(["a", "b"]);
    expect(await db.get("saved", "lost")).toBeUndefined();
    expect(cache.store.size).toBe(0);
    expect(await getCursor(db)).toBe("c9");
  });

  it("wipes the previous person's catalog and saved copies when someone else signs in on the device", async () => {
    await signedInAs("someone-else");
    await db.put("meta", "their-cursor", META.cursor);
    await db.put("catalog", item("theirs"));
    const cache = await saveCopy("theirs");
    const server = scriptedServer({ none: page({ items: [item("mine")], cursor: "c1", full: true }) });
    await syncCatalog(db, { userId: USER, fetch: server.fetch, cache });
    expect(server.asked).toEqual([null]);
    expect(await db.getAllKeys("catalog")).toEqual(["mine"]);
    expect(cache.store.size).toBe(0);
  });

  it("leaves the device as it is when the server says someone else is signed in (a tab of the person before)", async () => {
    // The device is B's; a tab still started for A syncs, and the server, with B's session, refuses A's store.
    await signedInAs("seller-b");
    await db.put("meta", "b-cursor", META.cursor);
    await db.put("catalog", item("b-item"));
    const cache = await saveCopy("b-item");
    const headers: (string | null)[] = [];
    const refusing = (async (_input: RequestInfo | URL, init: RequestInit = {}) => {
      headers.push(new Headers(init.headers).get("X-Fieldkit-User"));
      return new Response(JSON.stringify({ error: { code: "unauthorized", message: "Someone else is signed in" } }), { status: 401 });
    }) as typeof globalThis.fetch;
    expect(await syncCatalog(db, { userId: USER, fetch: refusing, cache })).toEqual({ status: "signed-out" });
    expect(headers).toEqual([USER]);
    expect(await db.getAllKeys("catalog")).toEqual(["b-item"]);
    expect(await db.getAllKeys("saved")).toEqual(["b-item"]);
    expect(cache.store.size).toBe(2);
    expect([await db.get("meta", META.userId), await getCursor(db)]).toEqual(["seller-b", "b-cursor"]);
  });

  it("marks a saved copy stale when its version's previews finished after it was saved", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    // Saved (or refreshed) while the new version's previews were still being made.
    await saveCopy("a", "a-v2", memoryCache(), { previews: [] });
    const server = scriptedServer({ c0: page({ items: [{ ...item("a", "a-v2"), previews: [1, 2] }], cursor: "c1" }) });
    const result = await syncCatalog(db, { userId: USER, fetch: server.fetch });
    expect(result).toMatchObject({ status: "ok", stale: ["a"] });
    expect((await db.get("saved", "a"))!.stale).toBe(true);
  });

  it("leaves a copy with the same version and previews fresh, also one saved before previews were recorded", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    await saveCopy("a", "a-v1", memoryCache(), { previews: [1, 2] });
    await saveCopy("b", "b-v1", memoryCache(), {
      urls: ["http://app.test/api/v1/items/b/previews/1", "http://app.test/api/v1/items/b/previews/1?w=160"],
    });
    const server = scriptedServer({
      c0: page({
        items: [
          { ...item("a"), previews: [2, 1] },
          { ...item("b"), previews: [1] },
        ],
        cursor: "c1",
      }),
    });
    expect(await syncCatalog(db, { userId: USER, fetch: server.fetch })).toMatchObject({ status: "ok", stale: [] });
  });

  it("deletes the visited pages and data of a removed item from the pages cache, whatever their variant", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    for (const id of ["gone", "kept"]) await db.put("catalog", item(id));
    const pages = memoryCache();
    const visited = [
      "/items/gone",
      "/items/gone?notice=x",
      "/items/gone.data",
      "/items/gone.data?_routes=routes%2F_app.items.%24id",
      "/items/gone/feedback",
      "/items/kept",
      "/items/kept.data",
      "/home",
      "/home.data",
    ];
    for (const path of visited) await pages.put(`http://app.test${path}`, new Response("page"));
    const saved = await saveCopy("gone", "gone-v1", memoryCache(), {});
    await saved.put("http://app.test/items/gone.data?_routes=routes%2F_app.items.%24id", new Response("data"));
    const server = scriptedServer({ c0: page({ removed: ["gone"], cursor: "c1" }) });
    await syncCatalog(db, { userId: USER, fetch: server.fetch, cache: saved, pages });
    expect([...pages.store.keys()].map((k) => k.replace("http://app.test", "")).sort()).toEqual([
      "/home",
      "/home.data",
      "/items/kept",
      "/items/kept.data",
    ]);
    expect(saved.store.size).toBe(0);
  });

  it("after a complete sync, deletes the pages of every item the seller lost, saved or only visited", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    for (const id of ["a", "lost"]) await db.put("catalog", item(id));
    const pages = memoryCache();
    for (const path of ["/items/a", "/items/lost", "/items/lost.data"]) await pages.put(`http://app.test${path}`, new Response("page"));
    const server = scriptedServer({ c0: page({ items: [item("a")], cursor: "c9", full: true }) });
    await syncCatalog(db, { userId: USER, fetch: server.fetch, pages });
    expect([...pages.store.keys()]).toEqual(["http://app.test/items/a"]);
  });

  it("lists what is on the device but not in the complete catalog", () => {
    expect(lostAccess(["a", "b", "c"], new Set(["b", "d"]))).toEqual(["a", "c"]);
    expect(lostAccess([], new Set(["b"]))).toEqual([]);
  });
});

describe("signing out on a shared device", () => {
  it("forgets the seller's catalog, saved copies and cached pages, and keeps the outbox for their next sign-in", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    await db.put("catalog", item("a"));
    await saveCopy("a");
    await enqueue(db, eventEntry(USER, { type: "view", itemId: "a" }));
    const deleted: string[] = [];
    await forgetSignedOutUser(db, { delete: async (name: string) => deleted.push(name) > 0 });

    expect(deleted.sort()).toEqual([CACHE_NAMES.pages, CACHE_NAMES.saved].sort());
    expect(await db.getAll("catalog")).toEqual([]);
    expect(await db.getAll("saved")).toEqual([]);
    expect(await db.getAllKeys("meta")).toEqual([]);
    expect(await listOutbox(db, USER)).toHaveLength(1);
    // Signed in again: the work done before the sign-out still reaches the server.
    const api = fakeApi();
    expect(await flushOutbox(db, { userId: USER, fetch: api.fetch })).toMatchObject({ sent: 1, remaining: 0 });
  });

  it("writes nothing of a page that arrives after the seller signed out meanwhile", async () => {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    const server = scriptedServer({ c0: page({ items: [item("a")], cursor: "c1" }) });
    // The sign-out's answer (and the worker's wipe) lands while the sync's request is on its way.
    const fetch = (async (input: RequestInfo | URL) => {
      const answer = await server.fetch(input);
      await forgetSignedOutUser(db, { delete: async () => true });
      return answer;
    }) as typeof globalThis.fetch;
    expect(await syncCatalog(db, { userId: USER, fetch })).toEqual({ status: "signed-out" });
    expect(await db.getAll("catalog")).toEqual([]);
    expect(await db.getAllKeys("meta")).toEqual([]);
  });

  it("leaves no owner behind when a sync starts after the sign-out and meets the 401", async () => {
    const server = scriptedServer({ none: 401 });
    expect(await syncCatalog(db, { userId: USER, fetch: server.fetch })).toEqual({ status: "signed-out" });
    expect(await db.getAllKeys("meta")).toEqual([]);
    // The seller's first page does claim the device.
    const back = scriptedServer({ none: page({ items: [item("a")], full: true, cursor: "c1" }) });
    expect(await syncCatalog(db, { userId: USER, fetch: back.fetch })).toMatchObject({ status: "ok", upserted: 1 });
    expect(await db.get("meta", META.userId)).toBe(USER);
  });

  it("when another person signs in, drops every page the previous one visited, not only item pages", async () => {
    await signedInAs("someone-else");
    const pages = memoryCache();
    const visited = [
      "/items/theirs",
      "/items/theirs.data",
      "/shares",
      "/shares/s1.data",
      "/notifications",
      "/requests.data",
      "/admin/people",
    ];
    for (const path of [...visited, "/home", "/home.data", "/me"]) await pages.put(`http://app.test${path}`, new Response("page"));
    const server = scriptedServer({ none: page({ items: [item("mine")], cursor: "c1", full: true }) });
    await syncCatalog(db, { userId: USER, fetch: server.fetch, pages });
    // The tabs too: the worker answers a slow network with them (the new seller's are stored again after).
    expect([...pages.store.keys()]).toEqual([]);
  });
});

describe("a session that ended elsewhere (a lost phone signed out from another device, a reset, expiry)", () => {
  /** The seller's device: synced, an item saved, a view waiting to be sent. */
  async function usedDevice() {
    await signedInAs(USER);
    await db.put("meta", "c0", META.cursor);
    await db.put("catalog", item("a"));
    await saveCopy("a");
    await enqueue(db, eventEntry(USER, { type: "view", itemId: "a" }));
  }

  /** What `/api/v1/me` answers, and the caches a wipe deleted. */
  function server(answer: number | "offline", body: unknown = { error: { code: "unauthorized", message: "Sign in." } }) {
    const asked: string[] = [];
    const deleted: string[] = [];
    const fetch = (async (input: RequestInfo | URL) => {
      asked.push(String(input));
      if (answer === "offline") throw new TypeError("Failed to fetch");
      return new Response(JSON.stringify(body), { status: answer, headers: { "Content-Type": "application/json" } });
    }) as typeof globalThis.fetch;
    return { fetch, asked, deleted, storage: { delete: async (name: string) => deleted.push(name) > 0 } };
  }

  it("forgets the seller's catalog, saved copies and cached pages once the server says no one is signed in, keeping the outbox", async () => {
    await usedDevice();
    const api = server(401);
    expect(await forgetIfSignedOut(db, { fetch: api.fetch, storage: api.storage })).toBe(true);
    expect(api.asked).toEqual(["/api/v1/me"]);
    expect(api.deleted.sort()).toEqual([CACHE_NAMES.pages, CACHE_NAMES.saved].sort());
    expect(await db.getAll("catalog")).toEqual([]);
    expect(await db.getAll("saved")).toEqual([]);
    expect(await db.getAllKeys("meta")).toEqual([]);
    expect(await listOutbox(db, USER)).toHaveLength(1);
  });

  /** Cache Storage holding these caches, each with these paths. */
  function cachesHolding(contents: Record<string, string[]>) {
    return {
      has: async (name: string) => name in contents,
      open: async (name: string) =>
        ({ keys: async () => (contents[name] ?? []).map((p) => new Request(`http://app.test${p}`)) }) as unknown as Cache,
    };
  }

  it("does not ask the server when nothing of anyone is on the device (a desk's browser on the sign-in page)", async () => {
    const api = server(401);
    // The outbox is kept by a forget, and the sign-in page stores route discovery itself: neither counts.
    await enqueue(db, eventEntry(USER, { type: "view", itemId: "a" }));
    const storage = { ...api.storage, ...cachesHolding({ [CACHE_NAMES.pages]: ["/__manifest?p=%2Flogin&version=1"] }) };
    expect(await forgetIfSignedOut(db, { fetch: api.fetch, storage })).toBe(false);
    expect(api.asked).toEqual([]);
    expect(await listOutbox(db, USER)).toHaveLength(1);
  });

  it.each([
    ["a catalog owner", async () => void (await signedInAs(USER)), {}],
    ["catalog entries", async () => void (await db.put("catalog", item("a"))), {}],
    ["a saved copy", async () => void (await saveCopy("a")), {}],
    ["a stored page", async () => {}, { [CACHE_NAMES.pages]: ["/__manifest", "/home"] }],
    ["a saved file", async () => {}, { [CACHE_NAMES.saved]: ["/api/v1/items/a/file"] }],
  ])("asks the server, and forgets, when the device holds %s", async (_, hold, contents) => {
    await hold();
    const api = server(401);
    expect(await forgetIfSignedOut(db, { fetch: api.fetch, storage: { ...api.storage, ...cachesHolding(contents) } })).toBe(true);
    expect(api.asked).toEqual(["/api/v1/me"]);
  });

  it.each([
    ["the device is offline", "offline" as const, undefined],
    ["the server fails", 500, undefined],
    ["the server is down for maintenance", 503, undefined],
    ["the same person is still signed in", 200, { user: { id: USER } }],
    ["a 401 comes from something in between, not the server", 401, "<html>Sign in to the Wi-Fi</html>"],
  ])("keeps everything when %s", async (_, answer, body) => {
    await usedDevice();
    const api = server(answer, body);
    expect(await forgetIfSignedOut(db, { fetch: api.fetch, storage: api.storage })).toBe(false);
    expect(api.deleted).toEqual([]);
    expect(await db.getAllKeys("catalog")).toEqual(["a"]);
    expect(await db.getAllKeys("saved")).toEqual(["a"]);
    expect(await db.get("meta", META.userId)).toBe(USER);
  });
});
