// Pages through a newest-first list that is paged by the last id shown (`?before=`): back to the newest,
// or on past the last row. Without page numbers, since counting a log of millions for them would cost
// more than the page; the browser's Back steps to the page before.
import { Link, useLocation } from "@remix-run/react";

export function OlderPager({ next, noun }: { /** The last id on this page, when there is more. */ next: number | null; noun: string }) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const paged = params.has("before");
  if (!paged && next === null) return null;
  const at = (before: number | null) => {
    const p = new URLSearchParams(params);
    if (before === null) p.delete("before");
    else p.set("before", String(before));
    const query = p.toString();
    return query ? `?${query}` : ".";
  };
  return (
    <nav aria-label="Pages" className="pager">
      {paged ? <Link to={at(null)}>← Newest {noun}</Link> : <span aria-hidden="true" />}
      {next !== null ? <Link to={at(next)}>Older {noun} →</Link> : <span aria-hidden="true" />}
    </nav>
  );
}
