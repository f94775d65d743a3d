// The expiry date the device goes by for an item page (app/offline/item-expiry.ts), read from the device's
// store after the page has hydrated, and again when another item is shown. Null before (the server's page
// as rendered, so hydration matches it) and without a usable store.
// NOTE: an effect, not the route's client loader at hydration: with `clientLoader.hydrate`, a link tapped
// while that loader still ran was overtaken by it, and "Show all 12 versions" left the page at 10.
import { useEffect, useState } from "react";
import type { PageCopy } from "~/offline/item-expiry";

export function useDeviceExpiry(itemId: string, copy: PageCopy): string | null {
  const [expiresAt, setExpiresAt] = useState<string | null>(null);
  const pageExpiry = copy.expiresAt === null ? null : new Date(copy.expiresAt).toISOString();
  const { renderedAt } = copy;
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      let at = pageExpiry;
      try {
        const [{ offlineDb }, { readDeviceExpiry }] = await Promise.all([import("~/offline/runtime"), import("~/offline/item-expiry")]);
        at = await readDeviceExpiry(await offlineDb(), itemId, { expiresAt: pageExpiry, renderedAt });
      } catch {
        // No usable store (private mode, an old browser): the page's own date.
      }
      if (!cancelled) setExpiresAt(at);
    })();
    return () => {
      cancelled = true;
    };
  }, [itemId, pageExpiry, renderedAt]);
  return expiresAt;
}
