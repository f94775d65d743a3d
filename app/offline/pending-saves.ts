// "Save when back online": an item opened offline that is not on the device can be marked, and is saved
// by the next connection (app start or the `online` event). The marks live in the offline store's `meta`.
import type { OfflineDb } from "./db";
import { saveMany, type SaveOptions } from "./saved";

const KEY = "saves.pending";

export async function pendingSaves(db: OfflineDb): Promise<string[]> {
  const value = await db.get("meta", KEY);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export async function markSaveWhenOnline(db: OfflineDb, itemId: string): Promise<void> {
  const tx = db.transaction("meta", "readwrite");
  const current = await tx.store.get(KEY);
  const list = Array.isArray(current) ? (current as string[]) : [];
  if (!list.includes(itemId)) await tx.store.put([...list, itemId], KEY);
  await tx.done;
}

/**
 * Saves every marked item still in the catalog. A mark is dropped once saved, and also when the item left
 * the catalog (archived or no longer shared): there is nothing left to save. Failed saves stay marked.
 */
export async function savePending(db: OfflineDb, options: Omit<SaveOptions, "onProgress" | "kit">) {
  const ids = await pendingSaves(db);
  if (!ids.length) return { saved: [] as string[], failed: [] as string[] };
  const [items, already] = await Promise.all([
    Promise.all(ids.map((id) => db.get("catalog", id))),
    Promise.all(ids.map((id) => db.get("saved", id))),
  ]);
  const todo = items.filter((item, i) => item && !already[i]).map((item) => item!);
  const { saved, failed } = await saveMany(db, todo, options);
  const failedIds = failed.map((f) => f.item.id);
  const tx = db.transaction("meta", "readwrite");
  const now = await tx.store.get(KEY);
  // Marks added while saving are kept.
  const later = (Array.isArray(now) ? (now as string[]) : []).filter((id) => !ids.includes(id));
  await tx.store.put([...failedIds, ...later], KEY);
  await tx.done;
  return { saved: saved.map((s) => s.itemId), failed: failedIds };
}
