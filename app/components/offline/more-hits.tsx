// Offline search hits, 30 at a time: the device ranks every match, so it knows how many there are and
// can say "30 of 412" and show the next ones, where the first version said "30 results" and stopped.
import { useEffect, useRef, useState } from "react";

export const OFFLINE_PAGE = 30;

/**
 * How many hits to show for `query` (one page again when it changes), a function that shows the next
 * page, and a ref for the list: the first new hit's link takes the focus, so a keyboard or screen-reader
 * user carries on where the new hits start.
 */
export function useMoreHits(query: string) {
  const [state, setState] = useState({ query, shown: OFFLINE_PAGE, focus: -1 });
  const current = state.query === query ? state : { query, shown: OFFLINE_PAGE, focus: -1 };
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    // The hit's own link: a messaging hit on Saved also holds its body, links and all.
    if (current.focus >= 0) list.current?.children[current.focus]?.querySelector<HTMLAnchorElement>("a")?.focus();
  }, [current.focus]);
  const more = () => setState({ query, shown: current.shown + OFFLINE_PAGE, focus: current.shown });
  return { shown: current.shown, more, list };
}

export function MoreHits({ shown, total, onMore }: { shown: number; total: number; onMore: () => void }) {
  if (shown >= total) return null;
  return (
    <button type="button" className="secondary more-hits" onClick={onMore}>
      Show {Math.min(OFFLINE_PAGE, total - shown)} more
    </button>
  );
}

/** "30 of 412 results" while some are not shown; "12 results" once all are. */
export const hitsCount = (shown: number, total: number) =>
  shown < total ? `${shown} of ${total} results` : `${total} result${total === 1 ? "" : "s"}`;
