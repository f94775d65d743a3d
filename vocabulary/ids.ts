// Identifiers as they cross the edges (forms, URLs, JSON bodies): one spelling of "a UUID" for the
// server and the browser. Browser-safe: no server imports, and no zod (its schema helper lives in
// `app/modules/validation.server.ts`, so ~95 KB gzip of zod stays out of every page's scripts).

/** A UUID's text, any case, for embedding in a larger pattern (a path, a link). */
export const UUID_SOURCE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** Exactly one UUID, any case. */
export const UUID_PATTERN = new RegExp(`^${UUID_SOURCE}$`, "i");

export const isUuid = (s: string) => UUID_PATTERN.test(s);
