// The Saved tab's search over the whole catalog on the device; messaging can be read right here.
import { Form } from "@remix-run/react";
import { useMemo, useState, type FormEvent } from "react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { MarkdownText } from "~/components/markdown-text";
import { RelativeTime } from "~/components/relative-time";
import { EmptyState } from "~/components/shell";
import { Thumbnail } from "~/components/thumbnail";
import { thumbnailPreview } from "~/offline/catalog-views";
import { buildIndex, searchOfflineResults } from "~/offline/search";
import { MoreHits, hitsCount, useMoreHits } from "~/components/offline/more-hits";
import type { DeviceState } from "./use-device";

const MESSAGING = new Set(["talk_track", "battle_card", "objection_handling", "definition", "email_template"]);

export function OfflineSearchSection({
  state,
  savedIds,
  online,
  initial,
  onQuery,
}: {
  state: DeviceState | null;
  savedIds: Set<string>;
  online: boolean;
  initial: { q: string; type: string };
  /** The query as typed, for the request form below (what the seller looked for). */
  onQuery: (q: string) => void;
}) {
  const [q, setQ] = useState(initial.q);
  const [type, setType] = useState(initial.type);
  const catalog = state?.catalog;
  const index = useMemo(() => (catalog ? buildIndex(catalog) : null), [catalog]);
  const searching = q.trim() !== "" || type !== "";
  const { shown, more, list } = useMoreHits(`${q}\n${type}`);
  const { hits, total } = useMemo(
    () =>
      index && searching ? searchOfflineResults(index, { q, type: type || undefined, limit: shown }, savedIds) : { hits: [], total: 0 },
    [index, q, type, savedIds, searching, shown],
  );

  const submitSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (q.trim()) next.set("q", q.trim());
    if (type) next.set("type", type);
    window.history.replaceState(window.history.state, "", `/saved${next.toString() ? `?${next}` : ""}`);
  };

  return (
    <section aria-labelledby="offline-search-title">
      <h2 id="offline-search-title">Search {online ? "" : "offline "}</h2>
      <Form method="get" role="search" onSubmit={submitSearch} className="offline-search">
        <label htmlFor="saved-q" className="visually-hidden">
          Search the catalog on this device
        </label>
        <input
          id="saved-q"
          name="q"
          type="search"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            onQuery(e.target.value);
          }}
          placeholder="Search titles, talk tracks, tags…"
        />
        <label htmlFor="saved-type" className="visually-hidden">
          Type
        </label>
        <select id="saved-type" name="type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">All types</option>
          {Object.entries(TYPE_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <button type="submit">Search</button>
      </Form>
      {state ? (
        <p className="meta">
          {state.catalog.length} items in the offline catalog
          {state.lastSyncAt ? (
            <>
              {" · updated "}
              <RelativeTime value={state.lastSyncAt} />
            </>
          ) : null}
        </p>
      ) : null}
      {searching && state ? (
        hits.length ? (
          <>
            <p className="meta" aria-live="polite">
              {hitsCount(hits.length, total)} on this device
            </p>
            <ul className="list" aria-label="Search results" ref={list}>
              {hits.map((h) => {
                const entry = index?.items.get(h.id);
                const readable = entry && MESSAGING.has(entry.type) && entry.bodyMd;
                return (
                  <li key={h.id} className="item-row offline-hit">
                    <Thumbnail id={h.id} type={h.type} thumb={h.saved && entry ? thumbnailPreview(entry.previews) : null} />
                    <div>
                      {/* A document link: offline the service worker answers it from the saved copy. */}
                      <a href={`/items/${h.id}`}>
                        <strong>{h.title}</strong>
                      </a>
                      <div className="meta">
                        {TYPE_LABEL[h.type] ?? h.type} ·{" "}
                        {h.saved ? (
                          <span className="badge published">Saved on device</span>
                        ) : readable ? (
                          "Readable offline"
                        ) : online ? (
                          "Online only"
                        ) : (
                          "Needs a connection"
                        )}
                      </div>
                      {h.snippet ? <div className="meta">{h.snippet}</div> : null}
                      {readable ? (
                        <details>
                          <summary>Read here</summary>
                          <MarkdownText source={entry.bodyMd!} />
                        </details>
                      ) : null}
                    </div>
                  </li>
                );
              })}
            </ul>
            <MoreHits shown={hits.length} total={total} onMore={more} />
          </>
        ) : (
          <EmptyState title="Nothing on this device matches">
            <p>Try fewer words, or ask marketing for it below.</p>
          </EmptyState>
        )
      ) : null}
    </section>
  );
}
