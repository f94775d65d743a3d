// Everything the Saved tab shows about this device, read from IndexedDB and the storage API, and read
// again whenever the offline store changes (a sync, a save, a send).
import { useCallback, useEffect, useState } from "react";
import type { OutboxEntry, SavedRecord } from "~/offline/db";
import { listOutbox } from "~/offline/outbox";
import * as runtime from "~/offline/runtime";
import type { CatalogItem } from "~/offline/types";

export type DeviceState = {
  catalog: CatalogItem[];
  saved: SavedRecord[];
  outbox: OutboxEntry[];
  lastSyncAt: string | null;
  storage: { usage: number; quota: number } | null;
  persisted: boolean | null;
};

/** A message under the search box for what the seller just did. */
export type Message = { tone: "ok" | "error"; text: string };

export function useDevice(userId: string) {
  const [state, setState] = useState<DeviceState | null>(null);
  const load = useCallback(async () => {
    const db = await runtime.offlineDb();
    const [catalog, saved, outbox, lastSyncAt] = await Promise.all([
      db.getAll("catalog"),
      db.getAll("saved"),
      listOutbox(db, userId),
      db.get("meta", "sync.lastAt") as Promise<string | undefined>,
    ]);
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    const persisted = (await navigator.storage?.persisted?.().catch(() => null)) ?? null;
    setState({
      catalog,
      saved: saved.sort((a, b) => b.savedAt.localeCompare(a.savedAt)),
      outbox,
      lastSyncAt: lastSyncAt ?? null,
      storage: estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null,
      persisted,
    });
  }, [userId]);
  useEffect(() => {
    void load();
    runtime.offlineEvents.addEventListener("change", load);
    return () => runtime.offlineEvents.removeEventListener("change", load);
  }, [load]);
  return { state, reload: load };
}

export async function savedCacheOrFail() {
  const cache = await runtime.savedCache();
  if (!cache) throw new Error("This browser cannot store files for offline use.");
  return cache;
}
