-- Search documents now carry their text NFKC-normalised within words (search/documents.ts, the same
-- form queries are normalised to), so "ﬁnance" from a PDF and full-width "ＡＴＬＡＳ" are found by
-- "finance" and "atlas". Documents indexed before are in the old form: every published item is queued
-- for the search sync, which rewrites it in every engine (Postgres and Meilisearch) in the background,
-- with no manual reindex. Searches answer from Postgres while Meilisearch works through the queue.
INSERT INTO "search_outbox" ("item_id")
SELECT "id" FROM "items" WHERE "status" = 'published';
