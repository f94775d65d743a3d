// "On this device": what is saved, with size, version and freshness; remove one or all; select several to
// share with a buyer (offline, the link is made on the device and the outbox creates the share later).
import { useEffect, useMemo, useState } from "react";
import { formatDate } from "@/vocabulary/dates";
import { TYPE_LABEL } from "@/vocabulary/library";
import { formatBytes } from "~/components/offline/save-for-offline";
import { SelectBar, SelectBox, useShareSelection } from "~/components/share-select/select-mode";
import { keepAvailable, type Selectable } from "~/components/share-select/selection";
import { OfflineShare } from "~/components/shares/offline-share";
import { useNow } from "~/components/offline/use-now";
import { EmptyState } from "~/components/shell";
import { Thumbnail } from "~/components/thumbnail";
import { expiredOn, thumbnailPreview } from "~/offline/catalog-views";
import type { DeviceState } from "./use-device";

/** Saved items as the selection sees them; shareability and expiry come from the offline catalog. */
function selectables(state: DeviceState | null, now: number): (Selectable & { expired: string | null })[] {
  const catalog = new Map(state?.catalog.map((c) => [c.id, c]));
  return (state?.saved ?? []).map((s) => {
    const entry = catalog.get(s.itemId);
    // Expired on this device's clock: the server no longer lists it, and drops it at the next sync.
    const expired = entry ? expiredOn(entry.expiresAt, now) : null;
    // An item missing from the catalog is on its way out of the device; a catalog from before `shareable`
    // existed leaves it undefined, and the server still refuses an internal item.
    return { id: s.itemId, title: s.title, shareable: !!entry && entry.shareable !== false && !expired, expired };
  });
}

export function SavedItemsSection({
  state,
  online,
  onRemove,
  onClear,
}: {
  state: DeviceState | null;
  online: boolean;
  onRemove: (itemId: string) => Promise<void>;
  onClear: () => Promise<void>;
}) {
  const [confirmClear, setConfirmClear] = useState(false);
  const sel = useShareSelection();
  const [sharing, setSharing] = useState<Selectable[] | null>(null);
  const expiries = useMemo(() => {
    const saved = new Set(state?.saved.map((s) => s.itemId));
    return state?.catalog.flatMap((c) => (saved.has(c.id) ? [c.expiresAt] : [])) ?? [];
  }, [state]);
  const now = useNow(expiries);
  const cards = useMemo(() => selectables(state, now), [state, now]);
  const { setSelection } = sel;
  // A removed item, or one marked internal by the last sync, leaves the selection.
  useEffect(() => setSelection((s) => keepAvailable(s, cards)), [cards, setSelection]);
  const previews = new Map(state?.catalog.map((c) => [c.id, c.previews]));
  const savedBytes = state?.saved.reduce((n, s) => n + s.bytes, 0) ?? 0;
  return (
    <section aria-labelledby="on-device-title">
      <h2 id="on-device-title">On this device</h2>
      {state && state.saved.length ? (
        <>
          {sharing ? (
            <OfflineShare key={sharing.map((i) => i.id).join()} items={sharing} initiallyOpen />
          ) : (
            <SelectBar sel={sel} label="saved items" onShare={online ? undefined : setSharing} />
          )}
          <ul className="list" aria-label="Saved items">
            {state.saved.map((s, i) => (
              <li key={s.itemId} className="item-row saved-row">
                {/* Expired: not offered for sharing at all (its checkbox would say "internal only"). */}
                {cards[i].expired ? null : <SelectBox sel={sel} item={cards[i]} />}
                <Thumbnail id={s.itemId} type={s.type} thumb={thumbnailPreview(previews.get(s.itemId) ?? [])} />
                <div className="saved-title">
                  {/* As online, where an expired item no longer opens: listed, to be removed, not to be used. */}
                  {cards[i].expired ? (
                    <strong>{s.title}</strong>
                  ) : (
                    <a href={`/items/${s.itemId}`}>
                      <strong>{s.title}</strong>
                    </a>
                  )}
                  <div className="meta">
                    {cards[i].expired ? (
                      <>
                        <span className="badge archived">Expired</span> {formatDate(cards[i].expired!)} · not for use with buyers ·{" "}
                      </>
                    ) : null}
                    {TYPE_LABEL[s.type] ?? s.type} · {formatBytes(s.bytes)}
                    {s.version ? ` · v${s.version}` : ""}
                    {s.kit ? ` · ${s.kit} kit` : ""}
                    {s.stale && !cards[i].expired ? (
                      <>
                        {" · "}
                        <span className="badge in_review">Updated</span>
                      </>
                    ) : null}
                  </div>
                </div>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => onRemove(s.itemId)}
                  aria-label={`Remove ${s.title} from this device`}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <p className="meta">
            {state.saved.length} saved · {formatBytes(savedBytes)}
          </p>
          {confirmClear ? (
            <p className="row">
              <button
                type="button"
                className="danger"
                onClick={async () => {
                  await onClear();
                  setConfirmClear(false);
                }}
              >
                Yes, remove all
              </button>
              <button type="button" className="secondary" onClick={() => setConfirmClear(false)}>
                Keep them
              </button>
            </p>
          ) : (
            <button type="button" className="secondary" onClick={() => setConfirmClear(true)}>
              Remove all saved items
            </button>
          )}
        </>
      ) : state ? (
        <EmptyState title="Nothing saved on this device yet">
          <p>
            Open an item and tap “Save for offline”, or save a whole kit below. Talk tracks, battle cards and definitions are readable
            offline anyway.
          </p>
        </EmptyState>
      ) : null}
    </section>
  );
}
