// The fields of an item's JSON bodies in /api/v1 (POST /items, PATCH /items/{id}).
import { ITEM_TYPES } from "@/vocabulary/library";
import { dateTime, str } from "./helpers.server";

/**
 * The fields an item's JSON bodies may carry, by the names the API reads (publishing-input.server.ts;
 * a test holds the two lists together). NOTE: the create body was documented with `bodyMd`, a name the
 * API never read: a client that followed it got "body: Write the message in Markdown."
 */
const ITEM_FIELDS = {
  title: str,
  summary: str,
  type: { enum: [...ITEM_TYPES] },
  ownerId: { type: ["string", "null"], format: "uuid" },
  tags: { type: "array", items: str, description: "Tag ids, or `facet:value` keys of existing tags" },
  audiences: { type: "array", items: { type: "string", format: "uuid" }, description: "Team ids; none means everyone" },
  expiresAt: { ...dateTime, type: ["string", "null"] },
  verifyIntervalDays: { type: ["integer", "null"], minimum: 1, maximum: 3650 },
  videoUrl: { type: ["string", "null"], description: "An https:// link, for a video item" },
  body: { type: "string", description: "Markdown, for talk tracks, battle cards, objection handling and definitions" },
  changelog: str,
  revision: { type: "integer", description: "The revision you read; a stale one gets 409 with the current values" },
  verified: { type: "boolean", description: "I checked it is still right: sets the verified date to now" },
};
export const itemFields = <K extends keyof typeof ITEM_FIELDS>(keys: K[]) => Object.fromEntries(keys.map((k) => [k, ITEM_FIELDS[k]]));

export const CREATE_FIELDS = [
  "title",
  "summary",
  "type",
  "ownerId",
  "tags",
  "audiences",
  "expiresAt",
  "verifyIntervalDays",
  "body",
  "videoUrl",
  "changelog",
] as const;
export const UPDATE_FIELDS = ["revision", ...CREATE_FIELDS, "verified"] as const;
