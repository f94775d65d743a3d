-- Custom SQL migration file, put your code below! --
-- Chinese and Japanese are looked for by their characters now (vocabulary/cjk.ts): vectors hold each
-- character and each pair of neighbours, and Meilisearch gets each character as a word. Thai, Lao, Khmer
-- and Burmese runs are indexed as their dictionary words (vocabulary/dictionary-words.ts). Documents with
-- any of these scripts indexed before are in the old form, where a run of them was one word: they are
-- queued for the search sync, which rewrites them in every engine in the background. The lexicon holds
-- no Chinese or Japanese words any more, and Thai and the like as dictionary words (search/query.ts,
-- lexiconWords): the sync writes those back.
DELETE FROM "search_terms" WHERE "term" ~ '[぀-ゟ゠-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ𠀀-𲎯฀-໿က-႟ក-៿]';--> statement-breakpoint
INSERT INTO "search_outbox" ("item_id")
SELECT "item_id" FROM "search_documents" d
-- The full vector holds the words of the title, the tag labels, the summary and the body.
WHERE d."tsv"::text ~ '[぀-ゟ゠-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ𠀀-𲎯฀-໿က-႟ក-៿]'
  OR EXISTS (SELECT FROM "search_pages" p WHERE p."item_id" = d."item_id" AND p."text" ~ '[぀-ゟ゠-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ𠀀-𲎯฀-໿က-႟ក-៿]');
