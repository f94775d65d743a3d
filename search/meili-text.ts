// Text and queries as Meilisearch reads them, and what it gives back as people read it: scripts written
// without spaces set apart into words here, the separator taken out again from every title and snippet.
import { hasCjk, joinCjk, spreadCjk } from "@/vocabulary/cjk";
import { dictionaryWords } from "@/vocabulary/dictionary-words";
import { tokenize } from "./query";
import { WORD_SEPARATOR } from "./settings";
import { HL_END, HL_START } from "./types";

/**
 * Chinese and Japanese characters apart, one word each to Meilisearch, whose queries look for them in a
 * row (vocabulary/cjk.ts): its own segmentation guesses the language of each text, and cut a query of
 * kanji alone as Chinese, unlike the Japanese document it came from. Thai, Lao, Khmer and Burmese runs
 * as ICU's dictionary words (vocabulary/dictionary-words.ts), as on Postgres. The separator is taken out
 * again from everything shown (`joined`).
 */
export const spread = (text: string) => spreadCjk(dictionaryWords(text, WORD_SEPARATOR), WORD_SEPARATOR);
export const joined = (text: string, words: string[]) => joinCjk(text, WORD_SEPARATOR, { start: HL_START, end: HL_END, words });

/**
 * A query's words as Meilisearch reads them: one with Chinese or Japanese in it, its characters as a
 * phrase; Thai and the like as their dictionary words, every one required and the last a prefix, as on Postgres.
 */
export const meiliQuery = (q: string) =>
  tokenize(q)
    .map((w) => (hasCjk(w) ? `"${spread(w)}"` : spread(w)))
    .join(" ");
