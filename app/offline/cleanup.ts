// Removing from the device what the seller may no longer see: archived items, items whose audience lost the
// seller's team, expired ones. Metadata goes from the catalog, and saved copies (files, previews, pages)
// from Cache Storage, so nothing the seller lost access to stays readable on the phone.
import type { OfflineDb, SavedRecord } from "./db";

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

/** Another person signed in on this device: nothing of the previous seller's catalog or saved copies stays. */
export async function wipeDevice(db: OfflineDb, cache?: CacheLike): Promise<void> {
  const saved = await db.getAll("saved");
  const tx = db.transaction(["catalog", "saved", "meta"], "readwrite");
  await tx.objectStore("catalog").clear();
  await tx.objectStore("saved").clear();
  await tx.objectStore("meta").clear();
  await tx.done;
  await dropCachedCopies(cache, saved);
}
