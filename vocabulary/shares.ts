// What a buyer's page reports about a shared link.
export const SHARE_EVENT_TYPES = ["open", "page", "download"] as const;
export type ShareEventType = (typeof SHARE_EVENT_TYPES)[number];
