// "← Previous · Page 2 of 9 · Next →" under a numbered list; nothing when everything fits on one page.
import { Link } from "@remix-run/react";

export function PageLinks({
  page,
  pages,
  href,
}: {
  page: number;
  pages: number;
  /** The address of page `p`. */ href: (p: number) => string;
}) {
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pages" className="pager">
      {page > 1 ? (
        <Link to={href(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <Link to={href(page + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
    </nav>
  );
}
