-- Content requests' query_norm now holds the search log's form of the query (search/query.ts
-- normaliseQuery: NFKC, lower case, control/format/private-use characters to spaces, whitespace
-- collapsed, punctuation and accents kept), so the content-gap report's join with search_queries
-- finds "Pricing sheet!" and "Résumé template". Recomputed here in SQL with the same steps; the two
-- character classes are \p{Cc}\p{Cf}\p{Co} and JavaScript's \s, written out as ranges (Unicode 17).
-- NOTE: lower() folds case one character at a time, so a final sigma or a dotted capital I may differ
-- from JavaScript's toLowerCase; such a request keeps that spelling until it is edited.
UPDATE "content_requests" SET "query_norm" = nullif(btrim(regexp_replace(regexp_replace(
  lower(normalize("query", NFKC)),
  '[\u0001-\u001f\u007f-\u009f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ue000-\uf8ff\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f\U000f0000-\U000ffffd\U00100000-\U0010fffd]',
  ' ', 'g'),
  '[\u0009-\u000d\u0020\u00a0\u1680\u2000-\u200a\u2028-\u2029\u202f\u205f\u3000\ufeff]+',
  ' ', 'g'), ' '), '')
WHERE "query" IS NOT NULL;
