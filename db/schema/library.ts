// The library: items (collateral and messaging), their versions, tags, audiences and lifecycle.
import { sql } from "drizzle-orm";
import {
  bigserial,
  bigint,
  boolean,
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
import { teams, users } from "./people";
import { ITEM_TYPES, ITEM_STATUSES, FACETS } from "@/vocabulary/library";

export const items = pgTable(
  "items",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    type: text("type", { enum: ITEM_TYPES }).notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    status: text("status", { enum: ITEM_STATUSES }).notNull().default("draft"),
    ownerId: uuid("owner_id").references(() => users.id, { onDelete: "set null" }),
    /** Set by every metadata edit; clients send it back so concurrent edits get a 409. */
    revision: integer("revision").notNull().default(1),
    /** Why a draft cannot go further (e.g. "PDF is password-protected"); shown to marketers. */
    problem: text("problem"),
    /** Who made the last metadata change, so a 409 can say whose edit won. */
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    videoUrl: text("video_url"),
    /**
     * Where an uploaded item's title came from while nobody has chosen one: "filename" (the name,
     * title-cased) or "file" (the document's own title). Null once typed. Extraction may replace only
     * a "filename" title, with the document's own.
     */
    titleDefault: text("title_default", { enum: ["filename", "file"] }),
    /** Likewise the type: "kind" (from the file format) may become "shape" (a PDF with slide-shaped pages). */
    typeDefault: text("type_default", { enum: ["kind", "shape"] }),
    /** Internal-only (battle cards, pricing notes): never offered to buyers through a share. */
    notForBuyers: boolean("not_for_buyers").notNull().default(false),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    verifyIntervalDays: integer("verify_interval_days"),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    publishAt: timestamp("publish_at", { withTimezone: true }),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Bumped on every change a seller's device must learn about (the sync cursor reads it). */
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("items_status_idx").on(t.status),
    index("items_updated_idx").on(t.updatedAt, t.id),
    index("items_expires_idx")
      .on(t.expiresAt)
      .where(sql`status = 'published'`),
  ],
);

/** Each upload (or messaging edit) is a version; sellers get the newest. */
export const itemVersions = pgTable(
  "item_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    changelog: text("changelog").notNull().default(""),
    /** sha256 of the original file in content storage, null for messaging and video links. */
    fileKey: text("file_key"),
    filename: text("filename"),
    mime: text("mime"),
    size: bigint("size", { mode: "number" }),
    pageCount: integer("page_count"),
    /** Markdown source for messaging items. */
    bodyMd: text("body_md"),
    /** Extracted plain text (whole document) used for search. */
    text: text("text").notNull().default(""),
    previewStatus: text("preview_status", { enum: ["none", "pending", "ready", "failed"] })
      .notNull()
      .default("none"),
    /** Preview descriptors: [{n, key, width, height}] and a tiny placeholder data URI. */
    previews: jsonb("previews").$type<PreviewInfo[]>().notNull().default([]),
    placeholder: text("placeholder"),
    /** Why previews (or text) could not be made, in words a marketer can act on; null when they could. */
    previewProblem: text("preview_problem"),
    /** sha256 of what was imported or uploaded (file bytes, or Markdown source): makes re-imports idempotent. */
    contentHash: text("content_hash"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("item_versions_item_number_key").on(t.itemId, t.number), index("item_versions_content_hash_idx").on(t.contentHash)],
);

export type PreviewInfo = {
  /** 0 for an image upload, 1..n for document pages. */
  n: number;
  widths: { width: number; height: number; key: string }[];
};

/** Per-page text so a search hit can point at a page. */
export const itemPages = pgTable(
  "item_pages",
  {
    versionId: uuid("version_id")
      .notNull()
      .references(() => itemVersions.id, { onDelete: "cascade" }),
    page: integer("page").notNull(),
    text: text("text").notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.page] })],
);

/** An item with no audience rows is visible to everyone; otherwise only to these teams. */
export const itemAudiences = pgTable(
  "item_audiences",
  {
    itemId: uuid("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.teamId] }), index("item_audiences_team_idx").on(t.teamId)],
);

/** Admin-managed tag vocabulary, one list per facet. */
export const tags = pgTable(
  "tags",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    facet: text("facet", { enum: FACETS }).notNull(),
    value: text("value").notNull(),
    label: text("label").notNull(),
  },
  (t) => [uniqueIndex("tags_facet_value_key").on(t.facet, t.value)],
);

export const itemTags = pgTable(
  "item_tags",
  {
    itemId: uuid("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    tagId: uuid("tag_id")
      .notNull()
      .references(() => tags.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.tagId] }), index("item_tags_tag_idx").on(t.tagId)],
);

/** Who moved what where, with the reviewer's comment. */
export const itemTransitions = pgTable(
  "item_transitions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    itemId: uuid("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    comment: text("comment"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("item_transitions_item_idx").on(t.itemId, t.at),
    // Who submitted each item in review last: one probe per item for the review queue and the count in
    // every desk page's navigation, instead of reading and sorting the item's whole history.
    index("item_transitions_review_idx")
      .on(t.itemId, t.at.desc(), t.id.desc())
      .where(sql`${t.toStatus} = 'in_review'`),
  ],
);

/** Catalog removals, so offline devices learn to delete what they may no longer see. */
export const itemTombstones = pgTable(
  "item_tombstones",
  {
    itemId: uuid("item_id").primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("item_tombstones_at_idx").on(t.at)],
);

/**
 * When each item was visible, and to whom: one row per audience (`team_id` null: everyone) and span of
 * publication; `to_at` is null while it lasts, and the item's expiry at the time ends it early. Kept by
 * database triggers on items and item_audiences (migration 0010), so no write path can forget it.
 * Delta sync and event ingest read it so an id is never named to someone who could never see it
 * (decision 019).
 */
export const itemVisibility = pgTable(
  "item_visibility",
  {
    itemId: uuid("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    teamId: uuid("team_id"),
    fromAt: timestamp("from_at", { withTimezone: true }).notNull(),
    toAt: timestamp("to_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [index("item_visibility_item_idx").on(t.itemId, t.fromAt)],
);
