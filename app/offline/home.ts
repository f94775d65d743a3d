// Home as the device can vouch for it. Offline, or on a slow network, the worker answers Home with the copy
// of the page it stored earlier (app/sw/sw.ts); the catalog on the device may know more than that copy: an
// item archived, retracted or no longer shared since has left it. Then Home is built from the catalog, as
// when no copy exists, so what the phone lists matches what the seller may still use.
import { isExpired, latestFromCatalog, thumbnailPreview } from "./catalog-views";
import { META, type OfflineDb } from "./db";
import { mergeRecent, recentOpens } from "./recent";
import type { CatalogItem } from "./types";

export type HomeCard = { id: string; type: string; title: string; summary: string; thumb: number | null };
export type HomeData = { recent: HomeCard[]; latest: HomeCard[]; offline: boolean };
/** What Home's server loader answers; `renderedAt` (the server's clock) is missing on copies stored before it existed. */
export type ServerHome = HomeData & { renderedAt?: string };

/**
 * Whether a page rendered at `renderedAt` is older than the catalog that a sync completed at `syncedAt`
 * (both by the server's clock, so a phone's wrong clock changes nothing). Whole seconds, as the sync's
 * `Date` header has them: a sync in the same second counts as newer, since the catalog is as current as
 * the page then. A copy without `renderedAt` predates it and so any sync that recorded its time.
 */
export function olderThanCatalog(renderedAt: string | undefined, syncedAt: string | undefined): boolean {
  const synced = syncedAt ? Date.parse(syncedAt) : NaN;
  if (Number.isNaN(synced)) return false;
  const rendered = renderedAt ? Date.parse(renderedAt) : NaN;
  return Number.isNaN(rendered) || Math.floor(rendered / 1000) <= Math.floor(synced / 1000);
}

const card = (i: CatalogItem, thumb: number | null): HomeCard => ({ id: i.id, type: i.type, title: i.title, summary: i.summary, thumb });

/** This user's opens on the device as cards (one catalog read per remembered item, at most 20). */
async function deviceRecent(db: OfflineDb, userId: string, thumb: (i: CatalogItem) => number | null): Promise<HomeCard[]> {
  const entries = await Promise.all((await recentOpens(db, userId)).map((id) => db.get("catalog", id)));
  // Only items still in the catalog: one the seller lost access to has left it (recentOpens leaves out expired ones).
  return entries.flatMap((i) => (i ? [card(i, thumb(i))] : []));
}

/**
 * Home from the catalog on the device, when there is no copy of the page: this device's opens, and the
 * newest items. Only a saved item's thumbnail is on the device; the others show their type's icon.
 */
export async function homeFromDevice(db: OfflineDb, userId: string, limit: number): Promise<HomeData> {
  const [catalog, saved] = await Promise.all([db.getAll("catalog"), db.getAllKeys("saved")]);
  const onDevice = new Set(saved);
  const thumb = (i: CatalogItem) => (onDevice.has(i.id) ? thumbnailPreview(i.previews) : null);
  const recent = (await deviceRecent(db, userId, thumb)).slice(0, limit);
  return { recent, latest: latestFromCatalog(catalog).map((i) => card(i, thumb(i))), offline: true };
}

/**
 * Home from the server's answer (fresh, or the worker's copy): what this device opened joins "Recently
 * opened" at once. In a copy older than the device's catalog, an item the catalog no longer holds was
 * taken away since (archived, retracted, no longer shared) and leaves both lists; in any copy, an item
 * expired since leaves them, as the server's lists leave expired items out.
 * NOTE: filtered, not rebuilt from the catalog: a page fetched fresh a moment before the runtime's sync
 * completes counts as older too, and rebuilt it lost its thumbnails and said "From the catalog on this
 * device" while online.
 */
export async function homeWithDevice(db: OfflineDb, userId: string, server: ServerHome, limit: number): Promise<HomeData> {
  const [owner, syncedAt] = await Promise.all([db.get("meta", META.userId), db.get("meta", META.syncedAt)]);
  const stale = owner === userId && olderThanCatalog(server.renderedAt, syncedAt as string | undefined);
  const listed = [...new Set([...server.recent, ...server.latest].map((c) => c.id))];
  const entries = await Promise.all(listed.map((id) => db.get("catalog", id)));
  const gone = new Set(listed.filter((_, n) => (entries[n] ? isExpired(entries[n]) : stale)));
  const current = (c: HomeCard) => !gone.has(c.id);
  const mine = await deviceRecent(db, userId, (i) => thumbnailPreview(i.previews));
  return {
    recent: mergeRecent(mine, server.recent.filter(current), limit),
    latest: server.latest.filter(current),
    offline: server.offline,
  };
}
