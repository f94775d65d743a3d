// "12 shares · page 1 of 2 · Show all" above a filtered, paged list: how many it holds, said to screen
// readers as it changes, with the way back to the whole list when a filter is on.
import { Link } from "@remix-run/react";

export function ListCount({
  total,
  noun,
  page,
  pages,
  clearTo,
}: {
  total: number;
  /** The thing counted, one and many: ["share", "shares"]. */
  noun: readonly [string, string];
  page: number;
  pages: number;
  /** The list's own address without its filters, when one is on. */
  clearTo?: string;
}) {
  if (!total) return null;
  return (
    <p className="meta" role="status">
      {total.toLocaleString("en-GB")} {total === 1 ? noun[0] : noun[1]}
      {pages > 1 ? ` · page ${page} of ${pages}` : ""}
      {clearTo ? (
        <>
          {" · "}
          <Link to={clearTo}>Show all</Link>
        </>
      ) : null}
    </p>
  );
}
