// "Expired on this device": an item past its expiry date on the phone's clock is not for use with buyers,
// whatever the phone holds of it. The server refuses an expired item, but offline the worker answers the
// item page from a stored copy, and the catalog keeps the item until the next sync drops it. One rule for
// every screen: `isExpired` / `expiredOn` (catalog-views.ts) on the expiry date the device goes by, chosen here.
import { META, type OfflineDb } from "./db";
import { olderThanCatalog } from "./home";
import type { CatalogItem } from "./types";

/** An item page's data as the page has it: fresh, or the worker's copy. `renderedAt` is missing on copies stored before it existed. */
export type PageCopy = { expiresAt: string | Date | null; renderedAt?: string };

const iso = (at: string | Date | null) => (at === null ? null : new Date(at).toISOString());

/**
 * The expiry date the device goes by for an item: the page's own, unless the catalog holds the item and a
 * sync completed since the page was rendered (Home's test, by the server's clock), then the catalog's, which
 * carries a later change of the date. With no page, the catalog's.
 */
export function deviceExpiry(
  copy: PageCopy | null,
  entry: Pick<CatalogItem, "expiresAt"> | undefined,
  syncedAt: string | undefined,
): string | null {
  if (entry && (!copy || olderThanCatalog(copy.renderedAt, syncedAt))) return iso(entry.expiresAt);
  return copy ? iso(copy.expiresAt) : null;
}

/** `deviceExpiry` for this item with what the offline store holds. */
export async function readDeviceExpiry(db: OfflineDb, itemId: string, copy: PageCopy | null): Promise<string | null> {
  const [entry, syncedAt] = await Promise.all([db.get("catalog", itemId.toLowerCase()), db.get("meta", META.syncedAt)]);
  return deviceExpiry(copy, entry, syncedAt as string | undefined);
}
