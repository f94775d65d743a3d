// Search bookkeeping. The outbox makes index updates transactional: a library change inserts a row
// in the same transaction, and the search sync drains it into every engine (retrying while one is down).
// The Postgres engine keeps its own denormalised documents here, so a search never joins the library.
import { sql } from "drizzle-orm";
import { bigserial, customType, index, integer, pgTable, primaryKey, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { items } from "./library";
import { users } from "./people";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const searchOutbox = pgTable(
  "search_outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    itemId: uuid("item_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("search_outbox_item_idx").on(t.itemId)],
);

/**
 * One row per searchable (published) item. Only what a search may show is copied here: no owner,
 * no drafts, no problem notes. No foreign key to items on purpose: the sync removes rows, and the
 * benchmark can load a million documents without a million library rows.
 */
export const searchDocuments = pgTable(
  "search_documents",
  {
    itemId: uuid("item_id").primaryKey(),
    type: text("type").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    /** "facet:value", e.g. "product:atlas". */
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Team ids; empty means everyone. */
    audience: uuid("audience")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    publishedAt: timestamp("published_at", { withTimezone: true }).notNull(),
    /** Fair usefulness score in [0, 1] from ratings (see search/usefulness.ts); a tie-breaker. */
    usefulness: real("usefulness").notNull().default(0),
    /** Extracted text (bounded), for snippets of items without pages. */
    body: text("body").notNull().default(""),
    /** Title and tag labels only: a small vector, so title matches can be found first and cheaply. */
    titleTsv: tsvector("title_tsv").notNull(),
    /** Title (A) > tags (B) > summary (C) > body (D). */
    tsv: tsvector("tsv").notNull(),
    indexedAt: timestamp("indexed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("search_documents_tsv_idx").using("gin", t.tsv),
    index("search_documents_title_tsv_idx").using("gin", t.titleTsv),
    // NOTE: migration 0005 adds INCLUDE (item_id, type, tags, audience, expires_at, title_tsv) by hand,
    // which drizzle cannot declare, so walks of the best rows for title matches are index-only.
    index("search_documents_static_idx").on(sql`${t.usefulness} desc`, sql`${t.publishedAt} desc`),
    // The type and tag chips: combined with the text match (BitmapAnd), so a filtered common term
    // visits only the rows that pass both instead of every row containing the term.
    index("search_documents_type_idx").on(t.type),
    index("search_documents_tags_idx").using("gin", t.tags),
  ],
);

/** Per-page text of the newest version, so a hit can say "page 4" and open there. */
export const searchPages = pgTable(
  "search_pages",
  {
    itemId: uuid("item_id").notNull(),
    page: integer("page").notNull(),
    text: text("text").notNull(),
    tsv: tsvector("tsv").notNull(),
  },
  (t) => [primaryKey({ columns: [t.itemId, t.page] })],
);

/**
 * Every word seen in indexed text, for typo correction: a trigram lookup over this small lexicon
 * instead of over documents. Words are never shown to users, so a word from a private item cannot leak.
 */
export const searchTerms = pgTable("search_terms", { term: text("term").primaryKey() }, (t) => [
  index("search_terms_trgm_idx").using("gin", t.term.op("gin_trgm_ops")),
]);

/** A group of equivalent terms ("mql", "marketing qualified lead"), managed by marketers. */
export const searchSynonyms = pgTable("search_synonyms", {
  id: uuid("id").primaryKey().defaultRandom(),
  terms: text("terms").array().notNull(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** The query log the content-gap report reads. Shape agreed with the feedback capability. */
export const searchQueries = pgTable(
  "search_queries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    teamId: uuid("team_id"),
    queryNorm: text("query_norm").notNull(),
    resultCount: integer("result_count").notNull(),
    clickedItemId: uuid("clicked_item_id").references(() => items.id, { onDelete: "set null" }),
    clickedPosition: integer("clicked_position"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("search_queries_at_idx").on(t.at), index("search_queries_user_at_idx").on(t.userId, t.at)],
);

/** Usefulness per item, maintained by the feedback capability through `setItemUsefulness`. */
export const searchUsefulness = pgTable("search_usefulness", {
  itemId: uuid("item_id")
    .primaryKey()
    .references(() => items.id, { onDelete: "cascade" }),
  score: real("score").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
