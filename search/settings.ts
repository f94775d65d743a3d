// Meilisearch index settings as data: applied idempotently by `npm run search:setup`, on start,
// and to every new index a reindex builds. Changing search behaviour means changing this file.
import type { Settings } from "meilisearch";
import { compatibilitySymbols } from "./query";

export const DEFAULT_INDEX = "fieldkit_items";
export const pagesIndexName = (itemsIndex: string) => `${itemsIndex}_pages`;

/** Far future for "never expires": Meilisearch filters cannot test for null and a number at once. */
export const NEVER = 253_402_300_799_000;

/**
 * Every attribute read as Chinese, which for any other script changes nothing: Chinese and Japanese
 * characters reach Meilisearch one word each (WORD_SEPARATOR), and must be normalised alike in documents
 * and queries. NOTE: left to guess, Meilisearch read a Japanese title as Japanese and a query of kanji
 * alone as Chinese, normalised "営" in the query only, and "営業資料" did not find "営業資料の作り方".
 */
const LOCALIZED: Settings["localizedAttributes"] = [{ attributePatterns: ["*"], locales: ["cmn"] }];

export const ITEMS_SETTINGS: Settings = {
  // Order is relevance: a word in the title outranks the same word in tags, summary, then body.
  searchableAttributes: ["title", "tagLabels", "summary", "body"],
  displayedAttributes: ["id", "type", "title", "summary", "body", "hasPages"],
  filterableAttributes: ["id", "type", "tags", "audience", "status", "expiresAt"],
  sortableAttributes: ["publishedAt", "usefulness"],
  // Relevance first; usefulness and freshness only break ties.
  rankingRules: ["words", "typo", "proximity", "attribute", "exactness", "usefulness:desc", "publishedAt:desc"],
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 4, twoTypos: 8 } },
  faceting: { maxValuesPerFacet: 200 },
  pagination: { maxTotalHits: 1000 },
  localizedAttributes: LOCALIZED,
};

export const PAGES_SETTINGS: Settings = {
  searchableAttributes: ["text"],
  displayedAttributes: ["itemId", "page", "text"],
  filterableAttributes: ["itemId", "audience", "status", "expiresAt"],
  // One best page per item in page search.
  distinctAttribute: "itemId",
  rankingRules: ["words", "typo", "proximity", "attribute", "exactness"],
  typoTolerance: { enabled: true, minWordSizeForTypos: { oneTypo: 4, twoTypos: 8 } },
  pagination: { maxTotalHits: 1000 },
  localizedAttributes: LOCALIZED,
};

let separators: string[] | undefined;

/**
 * What the adapter sets between Chinese and Japanese characters and between Thai (Lao, Khmer, Burmese)
 * dictionary words (meili-text.ts): a zero-width space, taken out again from everything shown.
 */
export const WORD_SEPARATOR = "\u200b";

/**
 * What separates words, for both indexes ("separatorTokens"): WORD_SEPARATOR, and symbols. NOTE:
 * without the symbols Meilisearch (1.21) read "Atlas™" as one word, "atlastm", so "atlas platform"
 * missed "Atlas™ Platform", which Postgres, reading "™" as a separator, found. Worked out once, when
 * first needed (~50 ms).
 */
export const searchSeparators = () => (separators ??= [WORD_SEPARATOR, ...compatibilitySymbols()]);

/** Meilisearch synonyms are one-directional; a group becomes every term mapping to every other. */
export function meiliSynonyms(groups: string[][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const group of groups) {
    const terms = [...new Set(group.map((t) => t.trim().toLowerCase()).filter(Boolean))];
    for (const term of terms) {
      out[term] = [...new Set([...(out[term] ?? []), ...terms.filter((t) => t !== term)])];
    }
  }
  return out;
}
