// Search results as cards; each shareable hit has a "Share" link, and in "Select" mode a checkbox so several
// hits go into one share. A hit past its expiry on this device's clock (the worker's copy of an earlier
// search, answered offline) is listed as expired: no link, no share, not selectable.
import { Link } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { TYPE_LABEL } from "@/vocabulary/library";
import { useOnline } from "~/components/offline/network-status";
import { useCatalogExpiries } from "~/components/offline/use-catalog-expiries";
import { useNow } from "~/components/offline/use-now";
import { SelectBox, type ShareSelection } from "~/components/share-select/select-mode";
import { Thumbnail } from "~/components/thumbnail";
import { expiredOn } from "~/offline/catalog-views";
import type { SearchResultView } from "~/modules/search/search.server";

export type SearchHitCard = SearchResultView["hits"][number] & { thumb: number | null; shareable: boolean };
export type SearchView = Omit<SearchResultView, "hits"> & { hits: SearchHitCard[] };

export function Hits({ result, onOpen, sel }: { result: SearchView; onOpen: () => void; sel: ShareSelection }) {
  const offset = (result.page - 1) * result.limit;
  // Online the server's list holds nothing expired for a seller, and a catalog not yet synced may hold an old
  // date: the device's dates are asked only offline, when the list may be the worker's older copy.
  const online = useOnline();
  const expiries = useCatalogExpiries(online ? [] : result.hits.map((h) => h.id));
  const now = useNow([...expiries.values()]);
  return (
    <ul className="list search-hits">
      {result.hits.map((hit, i) => {
        const target = result.queryId
          ? `/search/go?${new URLSearchParams({
              qid: result.queryId,
              item: hit.id,
              pos: String(offset + i + 1),
              ...(hit.page ? { page: String(hit.page) } : {}),
            })}`
          : `/items/${hit.id}${hit.page ? `?page=${hit.page}` : ""}`;
        const expired = expiredOn(expiries.get(hit.id), now);
        if (expired) return <ExpiredHit key={hit.id} hit={hit} on={expired} />;
        return (
          <li key={hit.id} className="select-row">
            <SelectBox sel={sel} item={hit} />
            <Link className="item-row search-hit" to={target} onClick={onOpen}>
              <Thumbnail id={hit.id} type={hit.type} thumb={hit.thumb} />
              <div>
                <div>
                  <strong>{hit.title}</strong>
                </div>
                <div className="meta">
                  {TYPE_LABEL[hit.type] ?? hit.type}
                  {hit.page ? <span className="badge page-badge">Page {hit.page}</span> : null}
                </div>
                {/* The snippet is escaped on the server; <mark> is the only markup it carries. */}
                {hit.snippet ? <p className="snippet" dangerouslySetInnerHTML={{ __html: hit.snippet }} /> : null}
              </div>
            </Link>
            {hit.shareable && !sel.active ? (
              <Link className="button secondary hit-share" to={`/shares/new?item=${hit.id}`} aria-label={`Share ${hit.title} with a buyer`}>
                {/* On a phone the icon alone, so the result keeps the width for its snippet. */}
                <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
                  <path d="M12 3v12M7 8l5-5 5 5M5 13v7h14v-7" strokeLinecap="round" strokeLinejoin="round" />
                </svg>
                <span className="hit-share-text">Share</span>
              </Link>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

/** As the Saved tab lists an expired item: there to see, not to open or send. Said in words, not by colour alone. */
function ExpiredHit({ hit, on }: { hit: SearchHitCard; on: string }) {
  return (
    <li className="select-row">
      <div className="item-row search-hit">
        <Thumbnail id={hit.id} type={hit.type} thumb={hit.thumb} />
        <div>
          <div>
            <strong>{hit.title}</strong>
          </div>
          <div className="meta">
            <span className="badge archived">Expired</span> {formatDate(on)} · not for use with buyers · {TYPE_LABEL[hit.type] ?? hit.type}
          </div>
        </div>
      </div>
    </li>
  );
}
