// "Save for offline" on an item page: downloads the page, its data, file and previews with a progress bar,
// then shows what is on the device (and whether a newer version is waiting). Also the item's "Share with a
// buyer" link (app/routes/_app.shares.new.tsx).
import { useEffect, useState } from "react";
import type { SavedRecord } from "~/offline/db";
import type { Progress } from "~/offline/saved";
import { useOnline } from "./offline-root";
import { OfflineShare } from "~/components/shares/offline-share";
import { RemovalUndoNotice, useRemovalUndo } from "./removal-undo";

export const formatBytes = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1024 ** 2
      ? `${(n / 1024).toFixed(0)} KB`
      : n < 1024 ** 3
        ? `${(n / 1024 ** 2).toFixed(1)} MB`
        : `${(n / 1024 ** 3).toFixed(2)} GB`;

const runtime = () => import("~/offline/runtime");
const savedModule = () => import("~/offline/saved");

export function ProgressBar({ progress, label }: { progress: Progress; label: string }) {
  const pct = progress.total ? Math.min(100, Math.round((progress.loaded / progress.total) * 100)) : 0;
  return (
    <div className="save-progress">
      <progress max={100} value={pct} aria-label={label} />
      <span className="meta" aria-live="polite">
        {label}: {pct}% · {formatBytes(progress.loaded)}
      </span>
    </div>
  );
}

/**
 * `expired`: past its expiry date on this device's clock. Then nothing is offered for use with a buyer (no
 * saving, share link or share box); a saved copy can still be removed.
 */
export function SaveForOffline({
  item,
  shareable = true,
  expired = false,
}: {
  item: { id: string; title: string };
  shareable?: boolean;
  expired?: boolean;
}) {
  const online = useOnline();
  const [ready, setReady] = useState(false);
  const [record, setRecord] = useState<SavedRecord | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { offer, offerUndo, dismiss } = useRemovalUndo();

  useEffect(() => {
    let live = true;
    const load = async () => {
      const r = await runtime();
      const saved = await (await r.offlineDb()).get("saved", item.id);
      if (live) {
        setRecord(saved ?? null);
        setReady(true);
      }
    };
    void load();
    const onChange = () => void load();
    void runtime().then((r) => r.offlineEvents.addEventListener("change", onChange));
    return () => {
      live = false;
      void runtime().then((r) => r.offlineEvents.removeEventListener("change", onChange));
    };
  }, [item.id]);

  const save = async () => {
    setError(null);
    dismiss();
    setProgress({ loaded: 0, total: 0, files: 0, filesDone: 0 });
    try {
      const [r, s] = await Promise.all([runtime(), savedModule()]);
      const db = await r.offlineDb();
      let entry = await db.get("catalog", item.id);
      if (!entry) {
        await r.syncNow();
        entry = await db.get("catalog", item.id);
      }
      const cache = await r.savedCache();
      if (!entry || !cache)
        throw new Error(
          entry
            ? "This browser cannot store files for offline use."
            : "This item is not in your offline catalog yet. Try again in a moment.",
        );
      setRecord(await s.saveItem(db, entry, { cache, origin: location.origin, onProgress: setProgress }));
      r.offlineEvents.dispatchEvent(new Event("change"));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setProgress(null);
    }
  };

  // Offline, a removal by mistake could not be saved again before the meeting: it can be undone.
  const remove = async () => {
    const [r, s] = await Promise.all([runtime(), savedModule()]);
    const cache = await r.savedCache();
    if (!cache) return;
    const db = await r.offlineDb();
    const undo = await s.removeSavedUndoably(db, cache, [item.id]);
    setRecord(null);
    r.offlineEvents.dispatchEvent(new Event("change"));
    offerUndo(
      "Removed from this device.",
      async () => {
        await undo();
        setRecord((await db.get("saved", item.id)) ?? null);
        r.offlineEvents.dispatchEvent(new Event("change"));
      },
      "Back on this device.",
    );
  };

  const offerShare = shareable && !expired;
  // The share link is there from the first paint: sharing with a buyer is a plain page, no JavaScript needed.
  const shareLink = offerShare ? (
    <a className="button secondary" href={`/shares/new?item=${item.id}`}>
      Share with a buyer
    </a>
  ) : null;
  // Server-rendered and before hydration, saving cannot work yet (it needs JavaScript and a device store):
  // the usual buttons are drawn disabled, so the page below keeps its place when they come alive (CLS),
  // even where the two buttons wrap onto two rows on a narrow phone.
  if (!ready)
    return (
      <section className="save-offline" aria-label="Offline">
        <div className="row">
          {expired ? null : (
            <button type="button" disabled>
              Save for offline
            </button>
          )}
          {shareLink}
        </div>
      </section>
    );
  return (
    <section className="save-offline" aria-label="Offline">
      <div className="row">
        {record ? (
          <>
            <p className="saved-note">
              <span className="badge published">Saved on this device</span> <span className="meta">{formatBytes(record.bytes)}</span>
              {record.stale && !expired ? <span className="badge in_review">Updated — refreshes when online</span> : null}
            </p>
            <button type="button" className="secondary" onClick={remove}>
              Remove from device
            </button>
          </>
        ) : expired ? null : (
          <button type="button" onClick={save} disabled={!!progress || !online}>
            {progress ? "Saving…" : "Save for offline"}
          </button>
        )}
        {offerShare && !online && record ? null : shareLink}
      </div>
      {offerShare && !online && record ? <OfflineShare items={[item]} /> : null}
      {!record && !online && !progress && !expired ? <p className="meta">Connect to the internet to save this item.</p> : null}
      {progress ? <ProgressBar progress={progress} label="Downloading for offline" /> : null}
      <RemovalUndoNotice offer={offer} />
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
