// The feedback loop: raw usage events, their daily rollups, "was this useful?" ratings, marketing's
// replies and resolutions, and content requests. Dashboards read the rollups, never the raw events.
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { itemVersions, items } from "./library";
import { teams, users } from "./people";
import { REQUEST_STATUSES } from "@/vocabulary/feedback";

/**
 * Raw usage, append-only. NOTE: the primary key leads with `at` so the table can later become
 * `PARTITION BY RANGE (at)` (a partitioned table's keys must contain the partition key); that is why
 * idempotency lives in `event_ids` rather than in a unique index on `events.id`.
 * No foreign keys: rows outlive deleted users and items, and every extra index slows ingestion.
 */
export const events = pgTable(
  "events",
  {
    at: timestamp("at", { withTimezone: true }).notNull(),
    id: uuid("id").notNull(),
    userId: uuid("user_id").notNull(),
    teamId: uuid("team_id"),
    itemId: uuid("item_id"),
    type: text("type").notNull(),
    props: jsonb("props").$type<Record<string, unknown>>().notNull().default({}),
    /** Sellers and managers: their usage counts in the rollups; marketers previewing content do not. */
    field: boolean("field").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.at, t.id] })],
);

/**
 * Client event ids already stored. Events older than the acceptance window are rejected, so rows here
 * older than that window (plus slack) can be pruned without weakening idempotency.
 */
export const eventIds = pgTable("event_ids", {
  id: uuid("id").primaryKey(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Sentinel team key for users without a team: rollup keys cannot hold NULL. */
export const NO_TEAM = "00000000-0000-0000-0000-000000000000";

/** The usage counts a rollup row sums (fresh builders per table: drizzle binds a column to its table). */
const usageCounters = () => ({
  views: integer("views").notNull().default(0),
  dwellMs: bigint("dwell_ms", { mode: "number" }).notNull().default(0),
  dwells: integer("dwells").notNull().default(0),
  shares: integer("shares").notNull().default(0),
  downloads: integer("downloads").notNull().default(0),
  searchClicks: integer("search_clicks").notNull().default(0),
});

/** Per UTC day × item, every team together: the all-teams views read one row per item-day, not one per team. */
export const itemUsageDaily = pgTable(
  "item_usage_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    itemId: uuid("item_id").notNull(),
    ...usageCounters(),
  },
  (t) => [primaryKey({ columns: [t.day, t.itemId] })],
);

/**
 * Per UTC day × item × seller: distinct sellers over any date range (counts are not additive), and the
 * usage counts that team-scoped views sum. NOTE: one row per seller rather than a per-team table as
 * well: ingest touches this row anyway, and a second per-team upsert cost a fifth of its throughput
 * (decision 017). `team_id` is the seller's team at their first event that day.
 */
export const itemSellerDaily = pgTable(
  "item_seller_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    itemId: uuid("item_id").notNull(),
    userId: uuid("user_id").notNull(),
    teamId: uuid("team_id").notNull(),
    events: integer("events").notNull().default(0),
    ...usageCounters(),
  },
  (t) => [
    // Seller first: ingest looks up a seller's active days on an item next to the new ones
    // (item_seller_gaps), and every index is one more insert per new row.
    primaryKey({ columns: [t.userId, t.itemId, t.day] }),
    // Team-scoped unique sellers read one team's rows, not every team's.
    index("item_seller_daily_team_idx").on(t.teamId, t.day),
  ],
);

/** `gap` of a seller's first active day on an item: they had never used it before. */
export const FIRST_USE_GAP = 100_000;

/**
 * Distinct sellers of an item over any range, without touching one row per seller (decision 011):
 * `sellers` sellers were active on `item` on `day` and their previous active day on it was `gap` days
 * earlier (FIRST_USE_GAP: never). A seller's first active day inside [from, to] is the one whose
 * previous active day lies before `from`, so distinct sellers = sum(sellers) where day in [from, to]
 * and gap > day − from. Every team together; team-scoped views count item_seller_daily instead.
 */
export const itemSellerGaps = pgTable(
  "item_seller_gaps",
  {
    day: date("day", { mode: "string" }).notNull(),
    itemId: uuid("item_id").notNull(),
    gap: integer("gap").notNull(),
    sellers: integer("sellers").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.itemId, t.gap] })],
);

/** Per UTC day × seller: weekly active sellers for adoption. */
export const sellerDaily = pgTable(
  "seller_daily",
  {
    day: date("day", { mode: "string" }).notNull(),
    userId: uuid("user_id").notNull(),
    teamId: uuid("team_id").notNull(),
    events: integer("events").notNull().default(0),
    /** Views too, so usage by team and region reads this small table instead of the per-item one. */
    views: integer("views").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.userId] }), index("seller_daily_team_idx").on(t.teamId, t.day)],
);

/** "Was this useful?": one per seller per version; a later `at` replaces an earlier answer. */
export const ratings = pgTable(
  "ratings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    versionId: uuid("version_id")
      .notNull()
      .references(() => itemVersions.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The rater's team when they rated, so a manager's view stays stable if someone moves teams. */
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    useful: boolean("useful").notNull(),
    reasons: text("reasons")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    comment: text("comment"),
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** Marketing closed the loop; `resolvedVersionId` is the version that answered it, if any. */
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
    resolvedVersionId: uuid("resolved_version_id").references(() => itemVersions.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("ratings_user_version_key").on(t.userId, t.versionId),
    index("ratings_item_at_idx").on(t.itemId, t.at),
    index("ratings_open_idx")
      .on(t.at)
      .where(sql`resolved_at is null`),
  ],
);

/** "Request content": what a seller needed and could not find. */
export const contentRequests = pgTable(
  "content_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    text: text("text").notNull(),
    /** The search that came up empty, when the request started there. */
    query: text("query"),
    queryNorm: text("query_norm"),
    status: text("status", { enum: REQUEST_STATUSES }).notNull().default("new"),
    answerItemId: uuid("answer_item_id").references(() => items.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** When it reached done or declined: "median time from request to content" reads it. */
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [index("content_requests_user_idx").on(t.userId, t.createdAt), index("content_requests_status_idx").on(t.status, t.createdAt)],
);

/** Marketing's answers, on a rating or on a request; `readAt` drives the seller's badge. */
export const feedbackReplies = pgTable(
  "feedback_replies",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    ratingId: uuid("rating_id").references(() => ratings.id, { onDelete: "cascade" }),
    requestId: uuid("request_id").references(() => contentRequests.id, { onDelete: "cascade" }),
    /** Who the reply is for: the rater or requester. */
    recipientId: uuid("recipient_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    authorId: uuid("author_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    index("feedback_replies_rating_idx").on(t.ratingId),
    index("feedback_replies_request_idx").on(t.requestId),
    // A person's replies on Me, and how many: without it every visit read every reply anyone was sent.
    index("feedback_replies_recipient_idx").on(t.recipientId, t.at),
    index("feedback_replies_unread_idx")
      .on(t.recipientId)
      .where(sql`read_at is null`),
  ],
);
