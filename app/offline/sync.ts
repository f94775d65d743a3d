// Keeping the device's catalog current with `GET /api/v1/sync?since=<cursor>`. The cursor is stored in the same
// IndexedDB transaction as the page it came with, so an interrupted sync resumes where it stopped and never
// skips a change. A complete sync (first run, or the server says the seller's audience changed) stores its
// cursor only at the end, then deletes whatever it did not list.
import { dropCachedCopies, dropItemPages, forgetItems, lostAccess, wipeDevice, type CacheLike } from "./cleanup";
import { META, type OfflineDb, type SavedRecord } from "./db";
import { DEVICE_USER_HEADER } from "@/vocabulary/accounts";
import { SEND_TIMEOUT_MS } from "./outbox";
import { savedPreviews } from "./saved";
import type { CatalogItem, SyncResponse } from "./types";

export type SyncResult =
  | {
      status: "ok";
      full: boolean;
      upserted: number;
      /** Saved copies deleted because the seller lost access. */
      removedSaved: SavedRecord[];
      /** Saved items with a newer version on the server. */
      stale: string[];
    }
  | { status: "offline" }
  | { status: "signed-out" };

export type SyncOptions = {
  userId: string;
  fetch?: typeof fetch;
  origin?: string;
  /** The saved-copies cache, so removals also delete files and previews. */
  cache?: CacheLike;
  /** The visited-pages cache, so a removed item's pages go too (needs `keys`). */
  pages?: CacheLike;
  pageSize?: number;
};

export class SyncError extends Error {}

/**
 * A saved copy that no longer matches its catalog entry: a newer version, or previews that differ from the
 * ones stored. NOTE: a new version starts with its previews pending; a copy refreshed before they finish
 * has none, and only this comparison brings them to the device once they exist.
 */
export function copyIsOutdated(copy: SavedRecord, item: CatalogItem): boolean {
  if (copy.versionId !== item.versionId) return true;
  const stored = savedPreviews(copy);
  return stored.length !== item.previews.length || item.previews.some((n) => !stored.includes(n));
}

export async function getCursor(db: OfflineDb): Promise<string | undefined> {
  return (await db.get("meta", META.cursor)) as string | undefined;
}

/**
 * Applies one page atomically: removals, upserts, stale marks and (if given) the new cursor. With `owner`,
 * nothing (and null) unless the device belongs to that user, or, with `claim`, to nobody yet (it is then
 * theirs): a sign-out while this page was on its way wiped the device, and writing the page after the wipe
 * put the signed-out seller's catalog back.
 */
export async function applyPage(
  db: OfflineDb,
  page: SyncResponse,
  storeCursor: boolean,
  owner?: { userId: string; claim: boolean },
  answeredAt?: string | null,
) {
  const tx = db.transaction(["catalog", "saved", "meta"], "readwrite");
  if (owner) {
    const current = await tx.objectStore("meta").get(META.userId);
    if (current === undefined && owner.claim) await tx.objectStore("meta").put(owner.userId, META.userId);
    else if (current !== owner.userId) {
      await tx.done;
      return null;
    }
  }
  const catalog = tx.objectStore("catalog");
  const saved = tx.objectStore("saved");
  const removedSaved: SavedRecord[] = [];
  const stale: string[] = [];
  for (const id of page.removed) {
    await catalog.delete(id);
    const copy = await saved.get(id);
    if (copy) {
      removedSaved.push(copy);
      await saved.delete(id);
    }
  }
  for (const item of page.items) {
    await catalog.put(item);
    const copy = await saved.get(item.id);
    if (copy && copyIsOutdated(copy, item)) {
      stale.push(item.id);
      if (!copy.stale) await saved.put({ ...copy, stale: true });
    }
  }
  if (storeCursor) await tx.objectStore("meta").put(page.cursor, META.cursor);
  // NOTE: only with the last page: Home and the item page take the catalog as current up to this time, and
  // a delta's first page of several lacked an item published a moment ago, which Home then hid as removed.
  if (storeCursor && !page.more) {
    await tx.objectStore("meta").put(new Date().toISOString(), META.lastSyncAt);
    // Without a `Date` header (stripped on the way), the phone's clock is the best there is.
    await tx.objectStore("meta").put(answeredAt || new Date().toUTCString(), META.syncedAt);
  }
  await tx.done;
  return { removedSaved, stale };
}

/** Whether the server's session is this person's (the header makes another's a 401). */
async function signedInAs(fetchFn: typeof fetch, origin: string, userId: string): Promise<"yes" | "no" | "offline"> {
  try {
    const res = await fetchFn(`${origin}/api/v1/me`, {
      credentials: "same-origin",
      cache: "no-store",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      headers: { Accept: "application/json", [DEVICE_USER_HEADER]: userId },
    });
    return res.ok ? "yes" : "no";
  } catch {
    return "offline";
  }
}

export async function syncCatalog(db: OfflineDb, options: SyncOptions): Promise<SyncResult> {
  const fetchFn = options.fetch ?? fetch.bind(globalThis);
  const origin = options.origin ?? "";

  // Another person's device (or a signed-out one): emptied now, and theirs with the first page the server
  // sends: a sync started by a page still open after a sign-out gets a 401 and leaves no trace. When it
  // holds someone else's store, the server says first whether this person is signed in: a tab of the
  // person before, left open while someone else signed in, wiped the new person's saved items. (Not
  // after the first page instead: a save made while that page was on its way went with the wipe.)
  const owner = await db.get("meta", META.userId);
  const claim = owner !== options.userId;
  if (claim && owner !== undefined) {
    const signedIn = await signedInAs(fetchFn, origin, options.userId);
    if (signedIn !== "yes") return { status: signedIn === "offline" ? "offline" : "signed-out" };
  }
  if (claim) await wipeDevice(db, options.cache, options.pages);

  let since = await getCursor(db);
  let full = !since;
  let retriedWithoutCursor = false;
  const listed = new Set<string>();
  const result = { status: "ok" as const, full, upserted: 0, removedSaved: [] as SavedRecord[], stale: [] as string[] };
  const removed = new Set<string>();

  for (let pages = 0; pages < 10_000; pages++) {
    const query = new URLSearchParams();
    if (since) query.set("since", since);
    if (options.pageSize) query.set("limit", String(options.pageSize));
    const qs = query.toString();
    let res: Response;
    try {
      res = await fetchFn(`${origin}/api/v1/sync${qs ? `?${qs}` : ""}`, {
        credentials: "same-origin",
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        headers: { Accept: "application/json", [DEVICE_USER_HEADER]: options.userId },
      });
    } catch {
      return { status: "offline" };
    }
    if (res.status === 401) return { status: "signed-out" };
    if (res.status === 400 && since && !retriedWithoutCursor) {
      // A cursor the server no longer understands (e.g. after an upgrade): start over with a complete sync.
      retriedWithoutCursor = true;
      since = undefined;
      full = true;
      listed.clear();
      continue;
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new SyncError(body?.error?.message ?? `The catalog could not be updated (HTTP ${res.status}).`);
    }
    const page = (await res.json()) as SyncResponse;
    if (page.full && !full) {
      full = true;
      listed.clear();
    }
    result.full = full;
    // Mid-way through a complete sync the cursor is not stored: if the page closes now, the next run starts
    // the complete sync over instead of resuming as a delta and never deleting what the seller lost.
    // Only the first page may claim the device: a wipe after it is a sign-out.
    const owner = { userId: options.userId, claim: claim && pages === 0 };
    const applied = await applyPage(db, page, !page.full || !page.more, owner, res.headers.get("Date"));
    if (!applied) return { status: "signed-out" };
    result.upserted += page.items.length;
    for (const id of page.removed) removed.add(id);
    result.removedSaved.push(...applied.removedSaved);
    result.stale.push(...applied.stale);
    if (full) for (const item of page.items) listed.add(item.id);
    since = page.cursor;
    if (!page.more) break;
  }

  if (full) {
    const gone = lostAccess(await db.getAllKeys("catalog"), listed);
    const savedIds = (await db.getAllKeys("saved")).filter((id) => !listed.has(id));
    const lost = [...new Set([...gone, ...savedIds])];
    result.removedSaved.push(...(await forgetItems(db, lost)));
    for (const id of lost) removed.add(id);
    for (const id of listed) removed.delete(id);
  }
  await dropCachedCopies(options.cache, result.removedSaved);
  // Any item that went, saved or only visited: copies of its pages sit in both caches.
  await dropItemPages(options.cache, removed);
  await dropItemPages(options.pages, removed);
  result.stale = [...new Set(result.stale)];
  return result;
}
