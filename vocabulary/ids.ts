// Identifiers as they cross the edges (forms, URLs, JSON bodies): one spelling of "a UUID" for the
// server and the browser. Browser-safe: no server imports.
import { z } from "zod";

/** A UUID's text, any case, for embedding in a larger pattern (a path, a link). */
export const UUID_SOURCE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/** Exactly one UUID, any case. */
export const UUID_PATTERN = new RegExp(`^${UUID_SOURCE}$`, "i");

export const isUuid = (s: string) => UUID_PATTERN.test(s);

/** A string field that must be a UUID, with the message a user sees otherwise. */
export const uuidSchema = (message = "must be a UUID") => z.string().regex(UUID_PATTERN, message);
