import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expiredOn, shareableOnDevice } from "~/offline/catalog-views";
import { META, openOfflineDb, type OfflineDb } from "~/offline/db";
import { deviceExpiry, readDeviceExpiry } from "~/offline/item-expiry";
import type { CatalogItem } from "~/offline/types";
import { freshDbName } from "./offline-fakes";

const SYNCED = "Sat, 05 Dec 2026 10:00:00 GMT";
const BEFORE = "2026-12-05T09:59:59.999Z";
const AFTER = "2026-12-05T10:00:01.000Z";
const ON_PAGE = "2026-12-10T00:00:00.000Z";
const IN_CATALOG = "2026-12-08T00:00:00.000Z";
const ITEM = "33333333-3333-4333-8333-333333333333";

function entry(expiresAt: string | null): CatalogItem {
  return {
    id: ITEM,
    type: "price_sheet",
    title: "Promo pricing",
    summary: "",
    tags: [],
    version: 1,
    versionId: "v1",
    bodyMd: null,
    file: null,
    previews: [],
    pageCount: null,
    videoUrl: null,
    publishedAt: "2026-12-01T00:00:00.000Z",
    expiresAt,
    updatedAt: "2026-12-01T00:00:00.000Z",
  };
}

describe("the expiry date the device goes by for an item page", () => {
  it("takes the catalog's date when a sync completed after the page was rendered (the date changed since)", () => {
    expect(deviceExpiry({ expiresAt: ON_PAGE, renderedAt: BEFORE }, entry(IN_CATALOG), SYNCED)).toBe(IN_CATALOG);
    expect(deviceExpiry({ expiresAt: ON_PAGE, renderedAt: BEFORE }, entry(null), SYNCED)).toBeNull();
  });

  it("takes the catalog's date for a copy stored before pages said when they were rendered", () => {
    expect(deviceExpiry({ expiresAt: ON_PAGE }, entry(IN_CATALOG), SYNCED)).toBe(IN_CATALOG);
  });

  it("keeps a page rendered after the last sync as the server's latest word", () => {
    expect(deviceExpiry({ expiresAt: ON_PAGE, renderedAt: AFTER }, entry(IN_CATALOG), SYNCED)).toBe(ON_PAGE);
    expect(deviceExpiry({ expiresAt: ON_PAGE, renderedAt: BEFORE }, entry(IN_CATALOG), undefined)).toBe(ON_PAGE);
  });

  it("takes the page's own date when the catalog does not hold the item, as a date or as text", () => {
    expect(deviceExpiry({ expiresAt: new Date(ON_PAGE), renderedAt: BEFORE }, undefined, SYNCED)).toBe(ON_PAGE);
    expect(deviceExpiry({ expiresAt: null, renderedAt: BEFORE }, undefined, SYNCED)).toBeNull();
  });

  it("takes the catalog's date without a page, and has none without either", () => {
    expect(deviceExpiry(null, entry(IN_CATALOG), undefined)).toBe(IN_CATALOG);
    expect(deviceExpiry(null, undefined, SYNCED)).toBeNull();
  });
});

describe("expired on this device's clock", () => {
  it("gives the date once the clock reaches it, and nothing before or without one", () => {
    const at = Date.parse(IN_CATALOG);
    expect(expiredOn(IN_CATALOG, at - 1)).toBeNull();
    expect(expiredOn(IN_CATALOG, at)).toBe(IN_CATALOG);
    expect(expiredOn(IN_CATALOG, at + 86_400_000)).toBe(IN_CATALOG);
    expect(expiredOn(null, at)).toBeNull();
    expect(expiredOn(undefined, at)).toBeNull();
  });
});

describe("reading the device's expiry from the offline store", () => {
  let db: OfflineDb;
  beforeEach(async () => {
    db = await openOfflineDb(freshDbName());
  });
  afterEach(() => db.close());

  it("reads the catalog entry (whatever the address's case) and the last sync's time", async () => {
    await db.put("catalog", entry(IN_CATALOG));
    await db.put("meta", SYNCED, META.syncedAt);
    expect(await readDeviceExpiry(db, ITEM.toUpperCase(), { expiresAt: ON_PAGE, renderedAt: BEFORE })).toBe(IN_CATALOG);
    expect(await readDeviceExpiry(db, ITEM, { expiresAt: ON_PAGE, renderedAt: AFTER })).toBe(ON_PAGE);
  });

  it("goes by the page alone on a device that holds no catalog", async () => {
    expect(await readDeviceExpiry(db, ITEM, { expiresAt: ON_PAGE, renderedAt: BEFORE })).toBe(ON_PAGE);
  });
});

describe("what an offline share may hold", () => {
  const NOW = Date.parse("2026-12-07T12:00:00Z");
  const open = { expiresAt: null, shareable: true };
  const expired = { expiresAt: "2026-12-01T00:00:00Z", shareable: true };
  const internal = { expiresAt: null, shareable: false };

  it("leaves out an expired item and one marked internal since it was saved, and keeps one the catalog lacks", () => {
    expect(shareableOnDevice(["a", "b", "c", "d"], [open, expired, internal, undefined], NOW)).toEqual({
      itemIds: ["a", "d"],
      refusal: null,
    });
  });

  it("says why when nothing is left: internal first, else expired", () => {
    expect(shareableOnDevice(["c"], [internal], NOW).refusal).toBe("This item is for your team only now, not for buyers.");
    expect(shareableOnDevice(["b", "c"], [expired, internal], NOW).refusal).toBe("These items are for your team only now, not for buyers.");
    expect(shareableOnDevice(["b"], [expired], NOW).refusal).toBe("This item has expired.");
  });
});
