// What an item page shows offline when the item is not on the device: what the catalog knows about it
// (messaging is readable from the catalog itself), "save when back online" unless it has expired on this
// device's clock, and a way back.
import { Link, useNavigate } from "@remix-run/react";
import { useState } from "react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { MarkdownText } from "~/components/markdown-text";
import { expiredOn } from "~/offline/catalog-views";
import type { CatalogItem } from "~/offline/types";
import { ExpiredNote } from "./expired-note";
import { useNow } from "./use-now";

export type OfflineItem = { id: string; entry: CatalogItem | null; marked: boolean };

export function NotSavedCard({ item }: { item: OfflineItem }) {
  const navigate = useNavigate();
  const [marked, setMarked] = useState(item.marked);
  const { entry } = item;
  // The server would refuse to save it: nothing to wait for.
  const now = useNow([entry?.expiresAt]);
  const expired = expiredOn(entry?.expiresAt, now);
  const mark = async () => {
    const runtime = await import("~/offline/runtime");
    await runtime.saveWhenOnline(item.id);
    setMarked(true);
  };
  return (
    <article className="item-page">
      {entry ? <p className="meta">{TYPE_LABEL[entry.type] ?? entry.type}</p> : null}
      <h1>{entry?.title ?? "Item not on this device"}</h1>
      {expired ? <ExpiredNote on={expired} /> : null}
      {entry?.summary ? <p className="lead">{entry.summary}</p> : null}
      <section className="card not-saved" aria-labelledby="not-saved-title">
        <h2 id="not-saved-title">Not saved on this device</h2>
        <p>
          You're offline and this item wasn't saved for offline use
          {entry?.bodyMd ? ", but its text is in the catalog on this device:" : ", so its file and pages can't be shown now."}
        </p>
        <p className="row">
          {expired ? null : marked ? (
            <span className="notice" role="status">
              It will be saved on this device when you're back online.
            </span>
          ) : (
            <button type="button" onClick={mark}>
              Save when back online
            </button>
          )}
          <button type="button" className="secondary" onClick={() => navigate(-1)}>
            Go back
          </button>
        </p>
        <p className="meta">
          <Link to="/saved">See what is saved on this device</Link>
        </p>
      </section>
      {entry?.bodyMd ? (
        <section className="card prose" aria-label="Message">
          <MarkdownText source={entry.bodyMd} />
        </section>
      ) : null}
    </article>
  );
}
