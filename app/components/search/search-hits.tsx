// Search results as cards; each shareable hit has a "Share" link, and in "Select" mode a checkbox so several
// hits go into one share.
import { Link } from "@remix-run/react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { SelectBox, type ShareSelection } from "~/components/share-select/select-mode";
import { Thumbnail } from "~/components/thumbnail";
import type { SearchResultView } from "~/modules/search/search.server";

export type SearchHitCard = SearchResultView["hits"][number] & { thumb: number | null; shareable: boolean };
export type SearchView = Omit<SearchResultView, "hits"> & { hits: SearchHitCard[] };

export function Hits({ result, onOpen, sel }: { result: SearchView; onOpen: () => void; sel: ShareSelection }) {
  const offset = (result.page - 1) * result.limit;
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
