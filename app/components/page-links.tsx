// "← Previous · Page 2 of 9 · Next →" under a numbered list; nothing when everything fits on one page.
import { Link } from "@remix-run/react";
import { MAX_LIST_PAGE } from "@/vocabulary/paging";

export function PageLinks({
  page,
  pages,
  href,
  label = "Pages",
  prev = "← Previous",
  next = "Next →",
}: {
  page: number;
  pages: number;
  /** The address of page `p`. */ href: (p: number) => string;
  /** Where a page has several lists, each one's pager needs a name of its own. */
  label?: string;
  /** The links' words where the order says more ("← Newer", "Older →"). */
  prev?: string;
  next?: string;
}) {
  if (pages <= 1) return null;
  // Addresses stop at MAX_LIST_PAGE (the server reads a deeper one as page 1), so Next stops there too.
  const last = Math.min(pages, MAX_LIST_PAGE);
  return (
    <nav aria-label={label} className="pager">
      {page > 1 ? (
        <Link to={href(page - 1)} rel="prev">
          {prev}
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
      <span>
        Page {page} of {pages}
        {page >= last && pages > last ? ". Narrow the search or the filters to see the rest." : null}
      </span>
      {page < last ? (
        <Link to={href(page + 1)} rel="next">
          {next}
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
    </nav>
  );
}
