// What the seller pages show when they are built from the device's catalog instead of the server.
import type { CatalogItem } from "./types";

/** Home offline: the newest published items first, as the server's "New and updated" orders them. */
export function latestFromCatalog(items: readonly CatalogItem[], limit = 15): CatalogItem[] {
  const when = (i: CatalogItem) => i.publishedAt ?? i.updatedAt;
  return [...items].sort((a, b) => when(b).localeCompare(when(a)) || b.id.localeCompare(a.id)).slice(0, limit);
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
