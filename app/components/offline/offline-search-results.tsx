// The Search tab's results when the server cannot be reached: the same query, answered from the catalog
// on the device (MiniSearch), with what is saved marked, 30 at a time.
import { Link } from "@remix-run/react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { EmptyState } from "~/components/shell";
import { Thumbnail } from "~/components/thumbnail";
import { thumbnailPreview } from "~/offline/catalog-views";
import { searchOfflineResults } from "~/offline/search";
import { MoreHits, hitsCount, useMoreHits } from "./more-hits";
import { useOfflineCatalog } from "./use-offline-catalog";

export function OfflineSearchResults({ q, type, tag }: { q: string; type?: string; tag?: string }) {
  const device = useOfflineCatalog();
  const { shown, more, list } = useMoreHits(`${q}\n${type ?? ""}\n${tag ?? ""}`);
  if (!device) return <p className="search-status">Searching this device…</p>;
  if (!q && !type && !tag) {
    return (
      <EmptyState title="Search works offline">
        <p>Type above to search the {device.catalog.length} items in the catalog on this device.</p>
      </EmptyState>
    );
  }
  const { hits, total } = searchOfflineResults(device.index, { q, type, tag, limit: shown }, device.savedIds);
  if (!hits.length) {
    return (
      <EmptyState title={`Nothing on this device matches “${q}”`}>
        <p>Try fewer words. When you're back online, search the whole library or ask marketing for it.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <p className="search-status" aria-live="polite">
        {hitsCount(hits.length, total)} on this device for “{q}”
      </p>
      <ul className="list search-hits" aria-label="Search results" ref={list}>
        {hits.map((hit) => {
          const entry = device.index.items.get(hit.id);
          return (
            <li key={hit.id}>
              <Link className="item-row search-hit" to={`/items/${hit.id}`}>
                <Thumbnail id={hit.id} type={hit.type} thumb={hit.saved && entry ? thumbnailPreview(entry.previews) : null} />
                <div>
                  <div>
                    <strong>{hit.title}</strong>
                  </div>
                  <div className="meta">
                    {TYPE_LABEL[hit.type] ?? hit.type}
                    {hit.saved ? <span className="badge published page-badge">Saved on device</span> : null}
                  </div>
                  {hit.snippet ? <p className="snippet">{hit.snippet}</p> : null}
                </div>
              </Link>
            </li>
          );
        })}
      </ul>
      <MoreHits shown={hits.length} total={total} onMore={more} />
    </>
  );
}
