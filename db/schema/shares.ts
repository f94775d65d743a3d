// Buyer shares: tracked links a seller sends to people outside the company, and what those buyers did.
// Engagement lives in its own append-only table (idempotent by client event id, like `events`), not in
// `events`: buyers are not users, and their reading must never count as seller usage.
import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { items } from "./library";
import { teams, users } from "./people";
import { SHARE_EVENT_TYPES } from "@/vocabulary/shares";

export const shares = pgTable(
  "shares",
  {
    /** Client-chosen on the device (offline outbox), so a re-sent create is stored once. */
    id: uuid("id").primaryKey().defaultRandom(),
    /** The secret in `/s/<token>`: 32 random bytes, base64url (256 bits). */
    token: text("token").notNull().unique(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The seller's team when the share was made: managers see shares per team. */
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    recipientName: text("recipient_name"),
    recipientEmail: text("recipient_email"),
    note: text("note"),
    allowDownload: boolean("allow_download").notNull().default(false),
    requireEmail: boolean("require_email").notNull().default(false),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** First open reported by the buyer's page (script-confirmed, so link unfurlers never set it). */
    firstOpenedAt: timestamp("first_opened_at", { withTimezone: true }),
    /** When the seller last looked at their shares: opens after this are shown as new. */
    seenAt: timestamp("seen_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("shares_user_idx").on(t.userId, t.createdAt), index("shares_team_idx").on(t.teamId, t.createdAt)],
);

/** The items of a share, in the order the buyer sees them (position 1..n; at most 10). */
export const shareItems = pgTable(
  "share_items",
  {
    shareId: uuid("share_id")
      .notNull()
      .references(() => shares.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.shareId, t.position] }), index("share_items_item_idx").on(t.itemId)],
);

/**
 * What buyers did, as the buyer's page reported it. `viewer` is a random id the page keeps per share
 * (localStorage), so a second viewer of one link shows up as a forward. `page` is 0 for a whole item
 * (an image, a message) and 1..n for document pages; `ms` is visible reading time for `page` events.
 */
export const shareEvents = pgTable(
  "share_events",
  {
    id: uuid("id").primaryKey(),
    shareId: uuid("share_id")
      .notNull()
      .references(() => shares.id, { onDelete: "cascade" }),
    viewer: uuid("viewer").notNull(),
    type: text("type", { enum: SHARE_EVENT_TYPES }).notNull(),
    position: integer("position"),
    page: integer("page"),
    ms: integer("ms").notNull().default(0),
    /** Given on the "ask for an email" gate; stored with the viewer's open. */
    email: text("email"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("share_events_share_idx").on(t.shareId, t.type)],
);
