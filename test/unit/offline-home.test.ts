import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { META, openOfflineDb, type OfflineDb } from "~/offline/db";
import { homeFromDevice, homeWithDevice, olderThanCatalog, type HomeCard, type ServerHome } from "~/offline/home";
import { rememberOpens } from "~/offline/recent";
import type { CatalogItem } from "~/offline/types";
import { freshDbName } from "./offline-fakes";

const USER = "11111111-1111-4111-8111-111111111111";
const SYNCED = "Sat, 05 Dec 2026 10:00:00 GMT";
const BEFORE = "2026-12-05T09:59:59.999Z";
const AFTER = "2026-12-05T10:00:01.000Z";

let db: OfflineDb;
beforeEach(async () => {
  db = await openOfflineDb(freshDbName());
});
afterEach(() => db.close());

function item(id: string, extra: Partial<CatalogItem> = {}): CatalogItem {
  return {
    id,
    type: "deck",
    title: `Item ${id}`,
    summary: "",
    tags: [],
    version: 1,
    versionId: `${id}-v1`,
    bodyMd: null,
    file: null,
    previews: [1],
    pageCount: 1,
    videoUrl: null,
    publishedAt: `2026-12-0${id.length}T00:00:00.000Z`,
    expiresAt: null,
    updatedAt: "2026-12-01T00:00:00.000Z",
    ...extra,
  };
}
const cardOf = (id: string): HomeCard => ({ id, type: "deck", title: `Item ${id}`, summary: "", thumb: 1 });
const ids = (cards: readonly HomeCard[]) => cards.map((c) => c.id);

/** The seller's device after a sync at SYNCED: the catalog holds `held`; "gone" was removed by that sync. */
async function syncedDevice(held: CatalogItem[]) {
  await db.put("meta", USER, META.userId);
  await db.put("meta", SYNCED, META.syncedAt);
  for (const i of held) await db.put("catalog", i);
}

/** Home as the server rendered it at `renderedAt`, listing "gone" among the others. */
const serverHome = (renderedAt: string | undefined, latest = ["gone", "a", "bb"], recent = ["gone"]): ServerHome => ({
  recent: recent.map(cardOf),
  latest: latest.map(cardOf),
  offline: false,
  renderedAt,
});

describe("which is newer: a copy of Home or the catalog on the device", () => {
  it.each([
    ["a page rendered before the sync", BEFORE, SYNCED, true],
    ["a page rendered in the sync's second", "2026-12-05T10:00:00.700Z", SYNCED, true],
    ["a page rendered after the sync", AFTER, SYNCED, false],
    ["a copy stored before pages said when they were rendered", undefined, SYNCED, true],
    ["a device that never recorded a sync's time", BEFORE, undefined, false],
    ["an unreadable sync time", BEFORE, "soon", false],
  ])("%s", (_, renderedAt, syncedAt, older) => {
    expect(olderThanCatalog(renderedAt, syncedAt)).toBe(older);
  });
});

describe("Home from the server's answer and the device", () => {
  it("leaves out of a copy older than the last sync an item that sync removed, and keeps the copy's cards", async () => {
    await syncedDevice([item("a"), item("bb"), item("ccc")]);
    const home = await homeWithDevice(db, USER, serverHome(BEFORE), 4);
    // Not rebuilt from the catalog: a page fetched a moment before the sync is "older" too, and online.
    expect(home.offline).toBe(false);
    expect(ids(home.latest)).toEqual(["a", "bb"]);
    expect(home.latest[0].thumb).toBe(1);
    expect(ids(home.recent)).toEqual([]);
  });

  it("keeps a page rendered after the last sync as it is, items the device has not synced yet included", async () => {
    await syncedDevice([item("a"), item("bb")]);
    const home = await homeWithDevice(db, USER, serverHome(AFTER, ["new", "a", "bb"], []), 4);
    expect(home.offline).toBe(false);
    expect(ids(home.latest)).toEqual(["new", "a", "bb"]);
  });

  it("leaves out of a newer page an item that has expired since, by the catalog's expiry date", async () => {
    await syncedDevice([item("a", { expiresAt: "2000-01-01T00:00:00.000Z" }), item("bb")]);
    const home = await homeWithDevice(db, USER, serverHome(AFTER, ["a", "bb"], ["a"]), 4);
    expect(ids(home.latest)).toEqual(["bb"]);
    expect(ids(home.recent)).toEqual([]);
  });

  it("does not judge another person's page by the catalog on the device", async () => {
    await syncedDevice([item("a")]);
    const home = await homeWithDevice(db, "22222222-2222-4222-8222-222222222222", serverHome(BEFORE), 4);
    expect(ids(home.latest)).toEqual(["gone", "a", "bb"]);
  });

  it("lists this device's opens, newest first, each only while the catalog holds it and it has not expired", async () => {
    await syncedDevice([item("a"), item("bb"), item("old", { expiresAt: "2000-01-01T00:00:00.000Z" })]);
    await rememberOpens(db, [
      { itemId: "bb", at: "2026-12-05T09:00:00.000Z", userId: USER },
      { itemId: "gone", at: "2026-12-05T09:30:00.000Z", userId: USER },
      { itemId: "old", at: "2026-12-05T09:40:00.000Z", userId: USER },
      { itemId: "a", at: "2026-12-05T09:50:00.000Z", userId: USER },
    ]);
    const home = await homeFromDevice(db, USER, 4);
    expect(ids(home.recent)).toEqual(["a", "bb"]);
    // Offline only a saved item's thumbnail is on the device.
    expect(home.recent.map((c) => c.thumb)).toEqual([null, null]);
  });
});
