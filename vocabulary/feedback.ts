// The feedback loop's words: usage events, "was this useful?" reasons, content-request statuses.
export const EVENT_TYPES = ["view", "dwell", "share", "download", "search_click"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * An event counts if its item was visible to the seller within this much of its `at`: a phone's clock a
 * little behind must not lose the views of an item published a minute ago (the server's rule, decision
 * 019; the device applies it too before queueing, app/offline/outbox.ts).
 */
export const VISIBILITY_TOLERANCE_MS = 5 * 60_000;

export const RATING_REASONS = [
  "outdated",
  "wrong_audience",
  "too_long",
  "missing_proof_point",
  "hard_to_find",
  "won_the_meeting",
  "clear_and_concise",
] as const;
export type RatingReason = (typeof RATING_REASONS)[number];

/** The chips offered after "No" and after "Yes". */
export const NEGATIVE_REASONS = [
  "outdated",
  "wrong_audience",
  "too_long",
  "missing_proof_point",
  "hard_to_find",
] as const satisfies readonly RatingReason[];
export const POSITIVE_REASONS = ["won_the_meeting", "clear_and_concise"] as const satisfies readonly RatingReason[];

export const REASON_LABEL: Record<string, string> = {
  outdated: "Outdated",
  wrong_audience: "Wrong audience",
  too_long: "Too long",
  missing_proof_point: "Missing proof point",
  hard_to_find: "Hard to find",
  won_the_meeting: "Won the meeting",
  clear_and_concise: "Clear and concise",
} satisfies Record<RatingReason, string>;

export const REQUEST_STATUSES = ["new", "planned", "done", "declined"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const REQUEST_STATUS_LABEL: Record<string, string> = {
  new: "New",
  planned: "Planned",
  done: "Done",
  declined: "Declined",
} satisfies Record<RequestStatus, string>;

/** The sellers' activity list's orders (Insights → Sellers' activity). */
export const SELLER_SORTS = ["days", "last", "views", "ratings", "name"] as const;
export type SellerSort = (typeof SELLER_SORTS)[number];
/** The fewest active days first (who needs a hand), names A–Z; the other columns most first. */
export const sellerSortDefaultDir = (sort: SellerSort): "asc" | "desc" => (sort === "days" || sort === "name" ? "asc" : "desc");

/** One seller's items (Insights → a seller): most opened first by default. */
export const SELLER_ITEM_SORTS = ["views", "last", "title", "shares"] as const;
export type SellerItemSort = (typeof SELLER_ITEM_SORTS)[number];
export const sellerItemSortDefaultDir = (sort: SellerItemSort): "asc" | "desc" => (sort === "title" ? "asc" : "desc");
