// The upload page's progress and results: a bar that stays in view with the button while files go
// up, and for each uploaded file its title, type and first pages once the pipeline has drawn them.
import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { formatSize } from "@/vocabulary/format";

export type UploadResult = {
  filename: string;
  ok: boolean;
  itemId?: string;
  title?: string;
  type?: string;
  problem?: string | null;
  message?: string;
};
export type UploadEntry = {
  key: string;
  file: File;
  progress: number;
  state: "waiting" | "uploading" | "done" | "failed";
  result?: UploadResult;
};

/** Pages shown after an upload: enough to recognise the file. */
const THUMB_PAGES = 3;
const POLL_MS = 2_000;
/** Previews usually come within seconds; past this the item page is the place to look. */
const POLL_LIMIT = 30;

/**
 * The button with the batch's progress beside it, sticky so it stays in view while the list grows.
 * `batch` is the files sent by this press of the button, in order.
 */
/** The chosen files, each with its progress; a waiting one can be removed, a failed one sent again. */
export function UploadList({
  entries,
  busy,
  onRemove,
  onTryAgain,
}: {
  entries: UploadEntry[];
  busy: boolean;
  onRemove: (entry: UploadEntry) => void;
  onTryAgain: (entry: UploadEntry) => void;
}) {
  if (entries.length === 0) return null;
  return (
    <ul className="upload-list" aria-label="Files to upload">
      {entries.map((entry) => (
        <li key={entry.key} className={`upload-entry ${entry.state}`}>
          <div className="upload-name">
            <strong>{entry.file.name}</strong> <span className="meta">{formatSize(entry.file.size)}</span>
          </div>
          <progress max={1} value={entry.progress} aria-label={`Upload progress for ${entry.file.name}`} />
          {entry.state === "waiting" ? (
            <button type="button" className="secondary small" onClick={() => onRemove(entry)}>
              Remove
            </button>
          ) : entry.state === "failed" ? (
            <button
              type="button"
              className="secondary small"
              disabled={busy}
              onClick={() => onTryAgain(entry)}
              aria-label={`Try again: ${entry.file.name}`}
            >
              Try again
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function UploadBar({ batch, busy, submitting }: { batch: UploadEntry[]; busy: boolean; submitting: boolean }) {
  const position = batch.findIndex((e) => e.state === "uploading") + 1;
  const sent = batch.reduce((sum, e) => sum + (e.state === "done" || e.state === "failed" ? 1 : e.progress), 0);
  const label = busy && position ? `Uploading ${position} of ${batch.length}…` : busy || submitting ? "Uploading…" : "Upload as drafts";
  return (
    <div className="upload-bar">
      <button type="submit" disabled={busy || submitting}>
        {label}
      </button>
      {busy ? <progress max={batch.length || 1} value={sent} aria-label="Upload progress for all files" /> : null}
    </div>
  );
}

type Preview = { n: number; urls: Record<string, string> };
type ItemJson = { title: string; type: string; currentVersion: { previewStatus: string; previews: Preview[] } | null };

/** The item as the API shows it, asked again until its first pages are drawn (or nothing will come). */
function useItemPreviews(itemId: string | undefined) {
  const [item, setItem] = useState<ItemJson | null>(null);
  useEffect(() => {
    if (!itemId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (attempt: number) => {
      const res = await fetch(`/api/v1/items/${itemId}`, { headers: { Accept: "application/json" } }).catch(() => null);
      if (stopped) return;
      const json = res?.ok ? ((await res.json()) as ItemJson) : null;
      if (json) setItem(json);
      const version = json?.currentVersion;
      const settled = version && (version.previewStatus !== "pending" || version.previews.length >= THUMB_PAGES);
      if (!settled && attempt < POLL_LIMIT) timer = setTimeout(() => poll(attempt + 1), POLL_MS);
    };
    void poll(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [itemId]);
  return item;
}

function Thumbnails({ itemId, title, previews }: { itemId: string; title: string; previews: Preview[] }) {
  if (previews.length === 0) return null;
  return (
    <ul className="upload-thumbs" aria-label={`First pages of ${title}`}>
      {previews.slice(0, THUMB_PAGES).map((p) => (
        <li key={p.n}>
          <Link to={`/items/${itemId}`}>
            <img src={p.urls["320"] ?? Object.values(p.urls)[0]} alt={`Page ${p.n} of ${title}`} width={160} loading="lazy" />
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** One file's outcome: what it became (title and type, which extraction may still improve) and its pages. */
export function UploadResultRow({ result }: { result: UploadResult }) {
  const item = useItemPreviews(result.ok ? result.itemId : undefined);
  const title = item?.title ?? result.title ?? result.filename;
  const type = item?.type ?? result.type;
  const className = result.ok ? (result.problem ? "result warn" : "result ok") : "result bad";
  if (!result.ok || !result.itemId)
    return (
      <li className={className}>
        <strong>{result.filename}</strong>: {result.message}
      </li>
    );
  const version = item?.currentVersion;
  return (
    <li className={className}>
      <strong>{result.filename}</strong>: {result.problem ? `kept as a draft — ${result.problem}` : "uploaded as a draft"}
      {type ? ` (${TYPE_LABEL[type] ?? type})` : ""}. <Link to={`/items/${result.itemId}`}>Open {title}</Link>
      {version?.previewStatus === "pending" && version.previews.length === 0 ? <p className="meta">Preparing page previews…</p> : null}
      <Thumbnails itemId={result.itemId} title={title} previews={version?.previews ?? []} />
    </li>
  );
}
