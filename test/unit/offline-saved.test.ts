import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openOfflineDb, type OfflineDb } from "~/offline/db";
import { assetUrlsInHtml, refreshStale, removeSaved, removeSavedUndoably, saveItem, urlsForItem, type Progress } from "~/offline/saved";
import type { CatalogItem } from "~/offline/types";
import { freshDbName, memoryCache } from "./offline-fakes";

const ORIGIN = "http://app.test";
const ID = "9f0c0000-0000-4000-8000-000000000001";

let db: OfflineDb;
beforeEach(async () => {
  db = await openOfflineDb(freshDbName());
});
afterEach(() => db.close());

const pdf: CatalogItem = {
  id: ID,
  type: "document",
  title: "Case study",
  summary: "",
  tags: [],
  version: 2,
  versionId: "v2",
  bodyMd: null,
  file: { filename: "case.pdf", mime: "application/pdf", size: 3000 },
  previews: [1, 2],
  pageCount: 2,
  videoUrl: null,
  publishedAt: null,
  expiresAt: null,
  updatedAt: "2026-01-01T00:00:00.000Z",
};

function site(overrides: Record<string, Response> = {}) {
  const fetched: string[] = [];
  const fetch = (async (input: RequestInfo | URL) => {
    const path = String(input).replace(ORIGIN, "");
    fetched.push(path);
    if (overrides[path]) return overrides[path];
    if (path === `/items/${ID}`) {
      return new Response(
        `<html><img src="/api/v1/items/${ID}/previews/1?w=640" srcset="/api/v1/items/${ID}/previews/1?w=320 320w, /api/v1/items/${ID}/previews/1?w=640 640w"></html>`,
        {
          headers: { "Content-Type": "text/html" },
        },
      );
    }
    if (path.endsWith("/file")) return new Response(new Uint8Array(3000), { headers: { "Content-Length": "3000" } });
    return new Response(new Uint8Array(100), { headers: { "Content-Length": "100" } });
  }) as typeof globalThis.fetch;
  return { fetch, fetched };
}

describe("saving an item for offline", () => {
  it("stores the page, its data, the file, every preview and the preview sizes the page uses", async () => {
    const cache = memoryCache();
    const { fetch } = site();
    const record = await saveItem(db, pdf, { fetch, cache, origin: ORIGIN });
    expect([...cache.store.keys()].map((k) => k.replace(ORIGIN, "")).sort()).toEqual(
      [
        `/api/v1/items/${ID}/file`,
        `/api/v1/items/${ID}/previews/1`,
        `/api/v1/items/${ID}/previews/1?w=160`,
        `/api/v1/items/${ID}/previews/1?w=320`,
        `/api/v1/items/${ID}/previews/1?w=640`,
        `/api/v1/items/${ID}/previews/2`,
        `/items/${ID}`,
        `/items/${ID}.data`,
      ].sort(),
    );
    expect(record).toMatchObject({ itemId: ID, versionId: "v2", stale: false, urls: expect.any(Array) });
    expect(record.bytes).toBe(3000 + 100 * 6 + (await (await cache.match(`${ORIGIN}/items/${ID}`))!.text()).length);
    expect(await db.get("saved", ID)).toEqual(record);
  });

  it("reports progress that only grows and ends complete", async () => {
    const seen: Progress[] = [];
    await saveItem(db, pdf, { fetch: site().fetch, cache: memoryCache(), origin: ORIGIN, onProgress: (p) => seen.push(p) });
    const loaded = seen.map((p) => p.loaded);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    const last = seen[seen.length - 1];
    expect(last.loaded).toBe(last.total);
    expect(last.filesDone).toBe(last.files);
  });

  it("keeps no partial copy when a download fails, and says why", async () => {
    const cache = memoryCache();
    const { fetch } = site({ [`/api/v1/items/${ID}/previews/2`]: new Response("nope", { status: 404 }) });
    await expect(saveItem(db, pdf, { fetch, cache, origin: ORIGIN })).rejects.toThrow("no longer available");
    expect(cache.store.size).toBe(0);
    expect(await db.get("saved", ID)).toBeUndefined();
  });

  it("says storage is full and keeps nothing it added when the device refuses a write", async () => {
    const cache = memoryCache();
    let room = 3;
    const put = cache.put;
    cache.put = async (url, res) => {
      if (room-- <= 0) throw new DOMException("full", "QuotaExceededError");
      return put(url, res);
    };
    await expect(saveItem(db, pdf, { fetch: site().fetch, cache, origin: ORIGIN })).rejects.toThrow("Not enough storage");
    expect(cache.store.size).toBe(0);
    expect(await db.get("saved", ID)).toBeUndefined();
  });

  it("tells the seller to save when online when the network is gone", async () => {
    const fetch = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof globalThis.fetch;
    await expect(saveItem(db, pdf, { fetch, cache: memoryCache(), origin: ORIGIN })).rejects.toThrow(/offline/);
  });

  it("removes a saved copy's record and cached responses", async () => {
    const cache = memoryCache();
    await saveItem(db, pdf, { fetch: site().fetch, cache, origin: ORIGIN });
    await removeSaved(db, cache, ID);
    expect(cache.store.size).toBe(0);
    expect(await db.get("saved", ID)).toBeUndefined();
  });

  it("removes saved copies at once and puts them back byte for byte on undo", async () => {
    const cache = memoryCache();
    const card = { ...pdf, id: "9f0c0000-0000-4000-8000-000000000002", file: null, previews: [] };
    await saveItem(db, pdf, { fetch: site().fetch, cache, origin: ORIGIN });
    await saveItem(db, card, { fetch: site().fetch, cache, origin: ORIGIN });
    const before = new Map(await Promise.all([...cache.store].map(async ([url, r]) => [url, await r.clone().text()] as const)));
    const records = await db.getAll("saved");

    const undo = await removeSavedUndoably(db, cache, [ID, card.id, "not-saved"]);
    expect(cache.store.size).toBe(0);
    expect(await db.getAll("saved")).toEqual([]);

    await undo();
    expect(await db.getAll("saved")).toEqual(records);
    const after = new Map(await Promise.all([...cache.store].map(async ([url, r]) => [url, await r.clone().text()] as const)));
    expect(after).toEqual(before);
  });

  it("lists the known URLs of a messaging item without file or previews", () => {
    expect(urlsForItem({ id: "x", file: null, previews: [] })).toEqual(["/items/x", "/items/x.data"]);
  });

  it("finds only this item's assets in the page HTML", () => {
    const html = [
      `<img src="/api/v1/items/${ID}/previews/1?w=320&amp;q=1"><img src="/api/v1/items/other/previews/1"><a href="/items/${ID}">`,
      // Downloads: the current version's is the saved file itself, an older version's is not saved.
      `<a href="/api/v1/items/${ID}/file?download=1"><a href="/api/v1/items/${ID}/file?download=1&amp;version=2">`,
    ].join("");
    expect(assetUrlsInHtml(html, ID)).toEqual([`/api/v1/items/${ID}/previews/1?w=320&q=1`]);
  });
});

describe("refreshing a saved copy after a new version", () => {
  /**
   * The device as the page sees it: the service worker answers a file or preview from the saved cache, and the
   * HTTP cache answers what it holds, unless the request asks for a fresh copy. The server has version 2.
   */
  function deviceWithWorker(cache: ReturnType<typeof memoryCache>) {
    const modes: (RequestCache | undefined)[] = [];
    const server = site();
    const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      modes.push(init.cache);
      const fresh = init.cache === "no-cache" || init.cache === "reload" || init.cache === "no-store";
      const copy = await cache.match(String(input));
      if (copy && !fresh) return copy;
      const res = await server.fetch(input, init);
      return new Response(`v2:${String(input)}`, { status: res.status, headers: res.headers });
    }) as typeof globalThis.fetch;
    return { fetch, modes };
  }

  /** Version 1 saved (each entry's body `v1:<url>`), marked stale, with version 2 in the catalog. */
  async function staleVersion1() {
    const cache = memoryCache();
    const old = await saveItem(db, { ...pdf, versionId: "v1", version: 1 }, { fetch: site().fetch, cache, origin: ORIGIN });
    for (const url of old.urls) await cache.put(url, new Response(`v1:${url}`));
    await db.put("saved", { ...old, stale: true });
    await db.put("catalog", pdf);
    return { cache, old };
  }

  it("stores the new version's file and previews, not the copy already on the device", async () => {
    const { cache } = await staleVersion1();

    const device = deviceWithWorker(cache);
    expect(await refreshStale(db, { fetch: device.fetch, cache, origin: ORIGIN })).toEqual([ID]);

    const record = (await db.get("saved", ID))!;
    expect(record).toMatchObject({ versionId: "v2", stale: false });
    for (const url of record.urls) expect(await (await cache.match(url))!.text(), url).toBe(`v2:${url}`);
    expect(device.modes.every((m) => m === "no-cache")).toBe(true);
  });

  it("leaves the saved copy whole when the refresh is cut off half way (signal lost)", async () => {
    const { cache, old } = await staleVersion1();
    // The page, its data and the file arrive; the signal goes before the last preview.
    const server = site();
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes("/previews/2")) throw new TypeError("Failed to fetch");
      return server.fetch(input, init);
    }) as typeof globalThis.fetch;
    expect(await refreshStale(db, { fetch, cache, origin: ORIGIN })).toEqual([]);
    expect(server.fetched).toContain(`/api/v1/items/${ID}/file`);
    // Still the old version, still marked for a refresh, every part of it still on the device.
    expect(await db.get("saved", ID)).toMatchObject({ versionId: "v1", stale: true });
    for (const url of old.urls) expect(await (await cache.match(url))?.text(), url).toBe(`v1:${url}`);
  });

  it("fetches only the new previews, not the file again, when previews were drawn after the save", async () => {
    const cache = memoryCache();
    const first = await saveItem(db, { ...pdf, previews: [1] }, { fetch: site().fetch, cache, origin: ORIGIN });
    await db.put("saved", { ...first, stale: true });
    await db.put("catalog", pdf);
    const server = site();
    expect(await refreshStale(db, { fetch: server.fetch, cache, origin: ORIGIN })).toEqual([ID]);
    expect(server.fetched).not.toContain(`/api/v1/items/${ID}/file`);
    expect(server.fetched).not.toContain(`/api/v1/items/${ID}/previews/1`);
    expect(server.fetched).toContain(`/api/v1/items/${ID}/previews/2`);
    const record = (await db.get("saved", ID))!;
    expect(record).toMatchObject({ previews: [1, 2], stale: false });
    expect(record.urls).toContain(`${ORIGIN}/api/v1/items/${ID}/file`);
    expect((await (await cache.match(`${ORIGIN}/api/v1/items/${ID}/file`))!.arrayBuffer()).byteLength).toBe(3000);
    // The size counts the file kept as well as what was fetched.
    expect(record.bytes).toBe((await saveItem(db, pdf, { fetch: site().fetch, cache: memoryCache(), origin: ORIGIN })).bytes);
  });

  it("remembers which previews the copy holds", async () => {
    const record = await saveItem(db, pdf, { fetch: site().fetch, cache: memoryCache(), origin: ORIGIN });
    expect(record.previews).toEqual([1, 2]);
  });
});
