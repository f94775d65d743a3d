// "On this device": what is saved, with size, version and freshness; remove one or all.
import { useState } from "react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { formatBytes } from "~/components/offline/save-for-offline";
import { EmptyState } from "~/components/shell";
import { Thumbnail } from "~/components/thumbnail";
import { thumbnailPreview } from "~/offline/catalog-views";
import type { DeviceState } from "./use-device";

export function SavedItemsSection({
  state,
  onRemove,
  onClear,
}: {
  state: DeviceState | null;
  onRemove: (itemId: string) => Promise<void>;
  onClear: () => Promise<void>;
}) {
  const [confirmClear, setConfirmClear] = useState(false);
  const previews = new Map(state?.catalog.map((c) => [c.id, c.previews]));
  const savedBytes = state?.saved.reduce((n, s) => n + s.bytes, 0) ?? 0;
  return (
    <section aria-labelledby="on-device-title">
      <h2 id="on-device-title">On this device</h2>
      {state && state.saved.length ? (
        <>
          <ul className="list" aria-label="Saved items">
            {state.saved.map((s) => (
              <li key={s.itemId} className="item-row saved-row">
                <Thumbnail id={s.itemId} type={s.type} thumb={thumbnailPreview(previews.get(s.itemId) ?? [])} />
                <div className="saved-title">
                  <a href={`/items/${s.itemId}`}>
                    <strong>{s.title}</strong>
                  </a>
                  <div className="meta">
                    {TYPE_LABEL[s.type] ?? s.type} · {formatBytes(s.bytes)}
                    {s.version ? ` · v${s.version}` : ""}
                    {s.kit ? ` · ${s.kit} kit` : ""}
                    {s.stale ? (
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
