import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { latestFromCatalog, thumbnailPreview, thumbnailUrl } from "~/offline/catalog-views";
import { openOfflineDb, type OfflineDb } from "~/offline/db";
import { markSaveWhenOnline, pendingSaves, savePending } from "~/offline/pending-saves";
import { MANIFEST_SHELL_KEY, cacheKey, offlineSubstitute, shellStoreOrder, shellUrls } from "~/offline/routing";
import type { CatalogItem } from "~/offline/types";
import { freshDbName, memoryCache } from "./offline-fakes";

const ORIGIN = "http://app.test";
const item = (id: string, over: Partial<CatalogItem> = {}): CatalogItem => ({
  id,
  type: "document",
  title: `Item ${id}`,
  summary: "",
  tags: [],
  version: 1,
  versionId: `v-${id}`,
  bodyMd: null,
  file: { filename: "a.pdf", mime: "application/pdf", size: 10 },
  previews: [1],
  pageCount: 1,
  videoUrl: null,
  publishedAt: null,
  expiresAt: null,
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

describe("the shell the worker stores", () => {
  it("lists the four tabs, their data, and one route-discovery request that covers item pages", () => {
    const urls = shellUrls("abc123");
    expect(urls.pages).toEqual(["/home", "/search", "/saved", "/me"]);
    expect(urls.data).toEqual(["/home.data", "/search.data", "/saved.data", "/me.data"]);
    const manifest = new URL(urls.manifest!, ORIGIN);
    expect(manifest.pathname).toBe("/__manifest");
    expect(manifest.searchParams.get("version")).toBe("abc123");
    expect(manifest.searchParams.getAll("p")).toEqual(expect.arrayContaining(["/home", "/search", "/saved", "/me"]));
    expect(manifest.searchParams.getAll("p").some((p) => p.startsWith("/items/"))).toBe(true);
    expect(shellUrls().manifest).toBeNull();
  });

  it("stores Saved first, each tab's page with its data, and route discovery last under its shared key", () => {
    const order = shellStoreOrder("abc123");
    expect(order.slice(0, -1).map((j) => j.url)).toEqual([
      "/saved",
      "/saved.data",
      "/home",
      "/home.data",
      "/search",
      "/search.data",
      "/me",
      "/me.data",
    ]);
    expect(order.at(-1)).toEqual({ url: shellUrls("abc123").manifest, key: MANIFEST_SHELL_KEY });
    expect(shellStoreOrder().some((j) => j.url.includes("__manifest"))).toBe(false);
  });

  it("sends / to Home and any route discovery to the stored copy when offline with nothing better", () => {
    expect(offlineSubstitute(`${ORIGIN}/`)).toEqual({ redirect: "/home" });
    expect(offlineSubstitute(`${ORIGIN}/__manifest?p=%2Fitems%2Fx&version=1`)).toEqual({ cacheKey: `${ORIGIN}${MANIFEST_SHELL_KEY}` });
    expect(offlineSubstitute(`${ORIGIN}/items/x`)).toBeNull();
    // The key survives the worker's own key normalisation, so what is stored is what is looked up.
    expect(cacheKey(`${ORIGIN}${MANIFEST_SHELL_KEY}`)).toBe(`${ORIGIN}${MANIFEST_SHELL_KEY}`);
  });
});

describe("pages built from the device's catalog", () => {
  it("orders Home newest first by publication, then by last change", () => {
    const list = latestFromCatalog(
      [
        item("a", { publishedAt: "2026-03-01T00:00:00Z" }),
        item("b", { publishedAt: null, updatedAt: "2026-04-01T00:00:00Z" }),
        item("c", { publishedAt: "2026-02-01T00:00:00Z" }),
      ],
      2,
    );
    expect(list.map((i) => i.id)).toEqual(["b", "a"]);
  });

  it("leaves items past their expiry date off Home", () => {
    const now = Date.parse("2026-06-01T00:00:00Z");
    const list = latestFromCatalog(
      [item("gone", { expiresAt: "2026-05-31T00:00:00Z" }), item("later", { expiresAt: "2026-07-01T00:00:00Z" }), item("never")],
      15,
      now,
    );
    expect(list.map((i) => i.id).sort()).toEqual(["later", "never"]);
  });

  it("takes an image itself, else page 1, as the thumbnail, and none without previews", () => {
    expect(thumbnailPreview([0])).toBe(0);
    expect(thumbnailPreview([1, 2, 3])).toBe(1);
    expect(thumbnailPreview([])).toBeNull();
    expect(thumbnailUrl("x", 1)).toBe("/api/v1/items/x/previews/1?w=160");
  });
});

describe("save when back online", () => {
  let db: OfflineDb;
  beforeEach(async () => {
    db = await openOfflineDb(freshDbName());
  });
  afterEach(() => db.close());

  const site = (failing: string[] = []) =>
    (async (input: RequestInfo | URL) => {
      const path = String(input).replace(ORIGIN, "");
      if (failing.some((f) => path.includes(f))) throw new TypeError("Failed to fetch");
      return new Response(path.endsWith(".data") || path.startsWith("/items/") ? "<html></html>" : "x".repeat(10), { status: 200 });
    }) as typeof fetch;

  it("marks an item once, saves it on the next connection and forgets the mark", async () => {
    await db.put("catalog", item("a"));
    await markSaveWhenOnline(db, "a");
    await markSaveWhenOnline(db, "a");
    expect(await pendingSaves(db)).toEqual(["a"]);
    const result = await savePending(db, { cache: memoryCache(), origin: ORIGIN, fetch: site() });
    expect(result).toEqual({ saved: ["a"], failed: [] });
    expect(await db.get("saved", "a")).toMatchObject({ itemId: "a" });
    expect(await pendingSaves(db)).toEqual([]);
  });

  it("keeps the mark of a save that failed and drops the mark of an item gone from the catalog", async () => {
    await db.put("catalog", item("a"));
    await markSaveWhenOnline(db, "a");
    await markSaveWhenOnline(db, "gone");
    const result = await savePending(db, { cache: memoryCache(), origin: ORIGIN, fetch: site(["/items/a"]) });
    expect(result).toEqual({ saved: [], failed: ["a"] });
    expect(await pendingSaves(db)).toEqual(["a"]);
    expect(await db.get("saved", "a")).toBeUndefined();
  });
});
