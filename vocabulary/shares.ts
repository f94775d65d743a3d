// What a buyer's page reports about a shared link.
export const SHARE_EVENT_TYPES = ["open", "page", "download"] as const;
export type ShareEventType = (typeof SHARE_EVENT_TYPES)[number];

/** Items in one share: the server's limit and the "Select" mode's cap. */
export const MAX_SHARE_ITEMS = 10;
