// What a buyer's page reports about a shared link.
export const SHARE_EVENT_TYPES = ["open", "page", "download"] as const;
export type ShareEventType = (typeof SHARE_EVENT_TYPES)[number];

/** Items in one share: the server's limit and the "Select" mode's cap. */
export const MAX_SHARE_ITEMS = 10;
/**
 * Different items a link may hold over its life, those taken off included: a position is never given to
 * another item (the buyer's reading is kept per position), so this bounds the positions a buyer's page
 * can report.
 */
export const MAX_SHARE_POSITIONS = 30;

/** "My shares" filters: what became of a link. */
export const SHARE_FILTERS = ["active", "opened", "unopened", "expired", "revoked"] as const;
export const SHARE_FILTER_LABEL: Record<(typeof SHARE_FILTERS)[number], string> = {
  active: "Active",
  opened: "Opened by the buyer",
  unopened: "Not opened yet",
  expired: "Expired",
  revoked: "Revoked",
};

/** "My shares" orders: the newest first by default; the most opened shows what caught on; the ones that
 *  close soonest are the links worth extending or following up before they go dark. */
export const SHARE_SORTS = ["newest", "opens", "closing"] as const;
export const SHARE_SORT_LABEL: Record<(typeof SHARE_SORTS)[number], string> = {
  newest: "Newest first",
  opens: "Most opened first",
  closing: "Closing soonest first",
};

/**
 * A link's title as its buyer sees it (their page's heading, and the subject of the seller's mail): the
 * first item the buyer may open, "and more" when the link holds others. Never an item's title the buyer
 * is not shown (marked internal, expired, archived since it was sent).
 */
export function buyerTitle(items: { title: string; available: boolean }[]) {
  const first = items.find((i) => i.available);
  return first ? (items.length > 1 ? `${first.title} and more` : first.title) : "Shared content";
}
