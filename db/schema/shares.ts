// Buyer shares: tracked links a seller sends to people outside the company, and what those buyers did.
// Engagement lives in its own append-only table (idempotent by client event id, like `events`), not in
// `events`: buyers are not users, and their reading must never count as seller usage.
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
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
    /** Engagement counters, kept by the statement that stores the buyer's events (equal to counting them). */
    opens: integer("opens").notNull().default(0),
    viewers: integer("viewers").notNull().default(0),
    downloads: integer("downloads").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("shares_user_idx").on(t.userId, t.createdAt),
    index("shares_team_idx").on(t.teamId, t.createdAt),
    // "Shares per team" over the last 30 days for marketing and admins, every team at once.
    index("shares_created_idx").on(t.createdAt),
  ],
);

/**
 * The items of a share, in the order the buyer sees them (position 1..n). At most 10 are on the link at
 * once; an item taken off keeps its row and position (`removed_at`), so what the buyer read of it stays
 * with its title, and putting it back revives the same row.
 */
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
    /** Taken off the link by its seller: the buyer no longer sees it, nor can open its pages or file. */
    removedAt: timestamp("removed_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.shareId, t.position] }), index("share_items_item_idx").on(t.itemId)],
);

/**
 * What buyers did, as the buyer's page reported it. No foreign key (like `events`): the share id comes
 * from the live-share look-up in the statement that inserts, and a per-row key check cost as much as the
 * insert itself. Shares are revoked, never deleted. `viewer` is a random id the page keeps per share
 * (localStorage), so a second viewer of one link shows up as a forward. `page` is 0 for a whole item
 * (an image, a message) and 1..n for document pages; `ms` is visible reading time for `page` events.
 */
export const shareEvents = pgTable(
  "share_events",
  {
    id: uuid("id").primaryKey(),
    shareId: uuid("share_id").notNull(),
    viewer: uuid("viewer").notNull(),
    type: text("type", { enum: SHARE_EVENT_TYPES }).notNull(),
    position: integer("position"),
    page: integer("page"),
    ms: integer("ms").notNull().default(0),
    /** Given on the "ask for an email" gate; stored with the viewer's open. */
    email: text("email"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Only opens are read back raw (the emails given at the gate); everything else is read from the rollups.
  (t) => [
    index("share_events_open_idx")
      .on(t.shareId)
      .where(sql`${t.type} = 'open'`),
  ],
);

/**
 * Visible reading time per share × item position × page: what every engagement view sums. Written in
 * the statement that stores the events (no foreign keys, as for `share_events`).
 */
export const sharePageReads = pgTable(
  "share_page_reads",
  {
    shareId: uuid("share_id").notNull(),
    position: integer("position").notNull(),
    page: integer("page").notNull(),
    ms: bigint("ms", { mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.shareId, t.position, t.page] })],
);

/** Each viewer of a share once, so `shares.viewers` (a forwarded link) stays exact under concurrent posts. */
export const shareViewers = pgTable(
  "share_viewers",
  {
    shareId: uuid("share_id").notNull(),
    viewer: uuid("viewer").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shareId, t.viewer] })],
);
