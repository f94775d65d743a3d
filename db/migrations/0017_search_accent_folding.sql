-- Custom SQL migration file, put your code below! --
-- Accent-insensitive search on the Postgres engine, as Meilisearch does by default: "resume" finds
-- "Résumé" and "résumé" finds "resume". Vectors, queries and headlines use this configuration
-- (search/postgres/sql.ts): `english` with `unaccent` before stemming for words that are not plain
-- ASCII. Headlines parse the stored text with it, so snippets keep their accents and still highlight.
-- unaccent is a trusted extension (PostgreSQL 13+): a database owner that is not superuser may create it.
CREATE EXTENSION IF NOT EXISTS unaccent;--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION english_unaccent
  ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem;--> statement-breakpoint
-- The lexicon holds words with accents folded now (search/query.ts, lexiconWords): its accented words
-- would never be completions again. The sync below writes every published item's words back, folded.
DELETE FROM "search_terms" WHERE "term" <> unaccent("term");--> statement-breakpoint
-- Vectors written before hold "résumé", which a query for "resume" misses: every published item is
-- queued for the search sync, which rewrites it in every engine in the background, as 0016 does.
INSERT INTO "search_outbox" ("item_id")
SELECT "id" FROM "items" WHERE "status" = 'published';
