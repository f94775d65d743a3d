// The device's catalog and saved items for a page that searches or lists offline, re-read whenever the
// offline store changes (a sync, a save). Browser-only: the first render (server and hydration) has none.
import { useEffect, useMemo, useState } from "react";
import { buildIndex, type OfflineIndex } from "~/offline/search";
import type { CatalogItem } from "~/offline/types";

export type OfflineCatalog = { catalog: CatalogItem[]; savedIds: Set<string>; index: OfflineIndex };

export function useOfflineCatalog(enabled = true): OfflineCatalog | null {
  const [state, setState] = useState<{ catalog: CatalogItem[]; savedIds: Set<string> } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let events: EventTarget | undefined;
    const load = async () => {
      const runtime = await import("~/offline/runtime");
      events = runtime.offlineEvents;
      const db = await runtime.offlineDb();
      const [catalog, saved] = await Promise.all([db.getAll("catalog"), db.getAllKeys("saved")]);
      if (!cancelled) setState({ catalog, savedIds: new Set(saved) });
    };
    void load().then(() => events?.addEventListener("change", load));
    return () => {
      cancelled = true;
      events?.removeEventListener("change", load);
    };
  }, [enabled]);
  const index = useMemo(() => (state ? buildIndex(state.catalog) : null), [state]);
  return state && index ? { ...state, index } : null;
}
