// Removing from the device what the seller may no longer see: archived items, items whose audience lost the
// seller's team, expired ones. Metadata goes from the catalog, and saved copies (files, previews, pages)
// from Cache Storage, so nothing the seller lost access to stays readable on the phone.
import { META, type OfflineDb, type SavedRecord } from "./db";
import { CACHE_NAMES } from "./routing";

export type CacheLike = {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
  keys?(): Promise<readonly Request[]>;
};

/** After a complete sync: everything on the device that the server did not list is gone for this seller. */
export function lostAccess(onDevice: Iterable<string>, listed: ReadonlySet<string>): string[] {
  return [...onDevice].filter((id) => !listed.has(id));
}

/** Deletes catalog entries and saved records for `ids` in one transaction; returns the saved records removed. */
export async function forgetItems(db: OfflineDb, ids: readonly string[]): Promise<SavedRecord[]> {
  if (ids.length === 0) return [];
  const tx = db.transaction(["catalog", "saved"], "readwrite");
  const removed: SavedRecord[] = [];
  for (const id of ids) {
    await tx.objectStore("catalog").delete(id);
    const saved = await tx.objectStore("saved").get(id);
    if (saved) {
      removed.push(saved);
      await tx.objectStore("saved").delete(id);
    }
  }
  await tx.done;
  return removed;
}

/** Deletes the cached responses of saved copies. */
export async function dropCachedCopies(cache: CacheLike | undefined, records: readonly SavedRecord[]): Promise<void> {
  if (!cache) return;
  for (const r of records) for (const url of r.urls) await cache.delete(url);
}

/** `/items/<id>`, its data, and its sub-pages (`/items/<id>/feedback`…), with any query. */
function itemOfPage(url: string): string | null {
  const m = /^\/items\/([^/.]+)(?:\.data|\/.*)?$/.exec(new URL(url).pathname);
  return m ? decodeURIComponent(m[1]).toLowerCase() : null;
}

/**
 * Deletes every copy of these items' pages from a cache. The worker keeps each page a seller visited (and
 * each `_routes` variant of its data) under its own URL, none listed in a saved record, and answers from
 * them when the network is down or slow: left there, an archived or no longer shared item stays readable.
 */
export async function dropItemPages(cache: CacheLike | undefined, itemIds: Iterable<string>): Promise<void> {
  const ids = new Set([...itemIds].map((id) => id.toLowerCase()));
  if (!cache?.keys || ids.size === 0) return;
  for (const request of await cache.keys()) {
    const id = itemOfPage(request.url);
    if (id && ids.has(id)) await cache.delete(request.url);
  }
}

async function clearCache(cache: CacheLike | undefined): Promise<void> {
  if (cache?.keys) for (const request of await cache.keys()) await cache.delete(request.url);
}

/**
 * Another person signed in on this device: nothing of the previous seller's catalog, saved copies or visited
 * pages stays. NOTE: every page, the tabs too: the worker answers a slow network from them, and the previous
 * seller's shares, notifications or Me (kept whenever their session ended without a sign-out through the
 * worker: expiry, a sign-out everywhere elsewhere, deactivation) opened for the next one. The new seller's
 * tabs are stored again once the wipe is done (runtime.ts).
 */
export async function wipeDevice(db: OfflineDb, cache?: CacheLike, pages?: CacheLike): Promise<void> {
  const saved = await db.getAll("saved");
  const tx = db.transaction(["catalog", "saved", "meta"], "readwrite");
  await tx.objectStore("catalog").clear();
  await tx.objectStore("saved").clear();
  await tx.objectStore("meta").clear();
  await tx.done;
  await dropCachedCopies(cache, saved);
  // Also what a saved record does not list (the `_routes` variants of a saved page's data).
  await clearCache(cache);
  await clearCache(pages);
}

/**
 * Sign-out on a shared tablet: the next person, or anyone opening the installed app offline, must not see
 * this seller's pages, saved files or catalog. The outbox stays: its entries carry their user and are sent
 * at that user's next sign-in; dropping them would lose work done offline.
 */
export async function forgetSignedOutUser(db: OfflineDb, storage: Pick<CacheStorage, "delete">): Promise<void> {
  await wipeDevice(db);
  for (const name of Object.values(CACHE_NAMES)) await storage.delete(name);
}

/**
 * The server says this browser has no session: a sync met a 401, or the sign-in page was served. The
 * session then ended without a sign-out through the worker (a sign-out on all devices for a lost phone,
 * a password reset, deactivation, expiry), and whoever holds the phone must not go on reading the seller's
 * saved items in airplane mode: the data leaves as on a sign-out. Asked once more here, not taken from what
 * prompted it: a sync's "signed-out" also means the device was wiped or claimed meanwhile, a sign-in page
 * can come from the browser's cache, and another tab may have signed the same person in since. Only our
 * server's own 401 counts: offline, down or failing (5xx), or a portal in between asking for its own
 * sign-in, it says nothing about the session, and offline use is the product's point.
 */
export async function forgetIfSignedOut(
  db: OfflineDb,
  options: { storage: Pick<CacheStorage, "delete"> & Partial<CacheLookup>; fetch?: typeof fetch },
): Promise<boolean> {
  const fetchFn = options.fetch ?? fetch.bind(globalThis);
  // Nothing of anyone here (a desk's browser, a device just signed out through the worker): nothing to
  // forget, and no question whose 401 would show in the console of every sign-in page.
  if (!(await holdsSomeonesData(db, options.storage))) return false;
  try {
    const res = await fetchFn("/api/v1/me", {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    });
    if (res.status !== 401) return false;
    const body = (await res.json()) as { error?: { code?: string } };
    if (body.error?.code !== "unauthorized") return false;
  } catch {
    return false;
  }
  await forgetSignedOutUser(db, options.storage);
  return true;
}

type CacheLookup = Pick<CacheStorage, "has" | "open">;

/**
 * Whether a person's data is on the device: an owner of the catalog, catalog entries, saved copies, or a
 * stored page. Route discovery (`/__manifest`) is the same for everyone, and the sign-in page stores it
 * itself. The outbox does not count: a forget keeps it (each entry waits for its own user's sign-in).
 */
export async function holdsSomeonesData(db: OfflineDb, storage: Partial<CacheLookup> = {}): Promise<boolean> {
  if ((await db.get("meta", META.userId)) !== undefined) return true;
  if ((await db.count("catalog")) > 0 || (await db.count("saved")) > 0) return true;
  if (!storage.has || !storage.open) return false;
  for (const name of Object.values(CACHE_NAMES)) {
    // NOTE: `has` first: opening a cache creates it.
    if (!(await storage.has(name))) continue;
    const keys = await (await storage.open(name)).keys();
    if (keys.some((request) => new URL(request.url).pathname !== "/__manifest")) return true;
  }
  return false;
}
