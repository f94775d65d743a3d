// The catalog's expiry dates for the items a list shows, read from the device after hydration (none before)
// and again when the offline store changes. For lists the server rendered, which the worker may answer
// offline from a copy stored before an item expired.
import { useEffect, useState } from "react";

export function useCatalogExpiries(ids: readonly string[]): ReadonlyMap<string, string | null> {
  const [expiries, setExpiries] = useState<ReadonlyMap<string, string | null>>(new Map());
  const key = ids.join(",");
  useEffect(() => {
    // Nothing to ask: no store opened, no offline runtime loaded (a desk page, a page online).
    if (!key) return setExpiries(new Map());
    let cancelled = false;
    let events: EventTarget | undefined;
    const load = async () => {
      try {
        const runtime = await import("~/offline/runtime");
        events = runtime.offlineEvents;
        const db = await runtime.offlineDb();
        const entries = await Promise.all(key.split(",").map((id) => db.get("catalog", id)));
        if (!cancelled) setExpiries(new Map(entries.flatMap((e) => (e ? [[e.id, e.expiresAt] as const] : []))));
      } catch {
        // No usable store (private mode, an old browser): the list as the server sent it.
      }
    };
    void load().then(() => events?.addEventListener("change", load));
    return () => {
      cancelled = true;
      events?.removeEventListener("change", load);
    };
  }, [key]);
  return expiries;
}
