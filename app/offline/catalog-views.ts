// What the seller pages show when they are built from the device's catalog instead of the server.
import type { CatalogItem } from "./types";

/**
 * Past its expiry date. The server drops an expired item at the next sync; until then (offline) the device
 * still holds it, and the lists built from the catalog leave it out, as the server's lists do.
 */
export function isExpired(item: Pick<CatalogItem, "expiresAt">, now = Date.now()): boolean {
  return item.expiresAt !== null && Date.parse(item.expiresAt) <= now;
}

/**
 * What an offline share may hold of the items asked for (by the device's catalog): not an expired one, nor
 * one marked internal since its page was saved (the saved page still offers sharing; the server would
 * refuse it, and the buyer would hold a link that never went live). `refusal` says why when none is left.
 */
export function shareableOnDevice(
  itemIds: readonly string[],
  entries: readonly (Pick<CatalogItem, "expiresAt" | "shareable"> | undefined)[],
  now = Date.now(),
): { itemIds: string[]; refusal: string | null } {
  const kept = itemIds.filter((_, i) => !(entries[i] && (isExpired(entries[i]!, now) || entries[i]!.shareable === false)));
  if (kept.length) return { itemIds: kept, refusal: null };
  const many = itemIds.length > 1;
  const internal = entries.some((e) => e?.shareable === false);
  return {
    itemIds: kept,
    refusal: internal
      ? `${many ? "These items are" : "This item is"} for your team only now, not for buyers.`
      : many
        ? "These items have expired."
        : "This item has expired.",
  };
}

/** The date the item expired on, when it has by the device's clock (`isExpired`); null while it may be used. */
export function expiredOn(expiresAt: string | null | undefined, now = Date.now()): string | null {
  return expiresAt && isExpired({ expiresAt }, now) ? expiresAt : null;
}

/** Home offline: the newest published items first, as the server's "New and updated" orders them. */
export function latestFromCatalog(items: readonly CatalogItem[], limit = 15, now = Date.now()): CatalogItem[] {
  const when = (i: CatalogItem) => i.publishedAt ?? i.updatedAt;
  return items
    .filter((i) => !isExpired(i, now))
    .sort((a, b) => when(b).localeCompare(when(a)) || b.id.localeCompare(a.id))
    .slice(0, limit);
}

/** The preview shown as a card's thumbnail: the image itself (0) or the first page, if the item has one. */
export function thumbnailPreview(previews: readonly number[]): number | null {
  if (previews.includes(0)) return 0;
  if (previews.includes(1)) return 1;
  return previews.length ? Math.min(...previews) : null;
}

/** Card thumbnails are drawn 64 px wide; this rendition stays sharp at 2× without fetching a page-size image. */
export const THUMB_WIDTH = 160;
export const thumbnailUrl = (itemId: string, n: number) => `/api/v1/items/${itemId}/previews/${n}?w=${THUMB_WIDTH}`;
