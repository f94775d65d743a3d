// What every part of the Postgres engine writes its SQL with: the tables under the aliases the
// statements use, so columns are named through the schema and a renamed column fails the type check.
import { sql, type Column, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { searchDocuments, searchPages, searchTerms } from "@/db/schema";

/** search_documents as `d`, the alias of every read of documents. */
export const d = alias(searchDocuments, "d");
/** search_pages as `p`. */
export const p = alias(searchPages, "p");
/** A derived table or CTE that keeps a table's column names, referenced through that table's columns. */
export const derived = {
  titles: alias(searchDocuments, "t"),
  bands: alias(searchDocuments, "w"),
  terms: alias(searchTerms, "x"),
  starts: alias(searchTerms, "s"),
};

/**
 * The text search configuration of every vector, query and headline: `english` with accents folded
 * first (`unaccent`, migration 0017), so "resume" finds "Résumé" both ways while the title and the
 * highlighted snippet, made from the stored text, keep their accents.
 * NOTE: vectors and queries must read words the same way: a vector written with another configuration
 * holds "résumé" where a query looks for "resum".
 */
export const TS_CONFIG = sql.raw("'english_unaccent'::regconfig");

export const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;
export const uuidSet = (ids: string[]) => sql`(select (jsonb_array_elements_text(${json(ids)}))::uuid)`;

/** A column's bare name, for insert column lists and `excluded.` references. */
export const name = (column: Column): SQL => sql`${sql.identifier(column.name)}`;

/** postgres.js returns json columns parsed, PGlite as text. */
export const parsed = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;
