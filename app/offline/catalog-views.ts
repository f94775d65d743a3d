// What the seller pages show when they are built from the device's catalog instead of the server.
import type { CatalogItem } from "./types";

/**
 * Past its expiry date. The server drops an expired item at the next sync; until then (offline) the device
 * still holds it, and the lists built from the catalog leave it out, as the server's lists do.
 */
export function isExpired(item: Pick<CatalogItem, "expiresAt">, now = Date.now()): boolean {
  return item.expiresAt !== null && Date.parse(item.expiresAt) <= now;
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
