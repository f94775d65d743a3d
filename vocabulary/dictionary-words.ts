// Thai, Lao, Khmer and Burmese words, for every searcher: the Postgres engine (search/postgres/),
// Meilisearch (search/meilisearch.ts) and the phone's offline search (app/offline/search.ts). Browser-safe.
//
// These are written without spaces between words too: "ใบเสนอราคาสำหรับลูกค้า" (a quotation for the
// customer) was one word to PostgreSQL's parser and to MiniSearch, so "ราคา" (price) found nothing in it.
// Their words are long runs of letters and marks, where pairs of characters (vocabulary/cjk.ts) would
// match almost anything, so a dictionary finds them: ICU's, through Intl.Segmenter, which Node and the
// browsers both carry, the same way for documents and queries. NOTE: Meilisearch's own dictionary keeps
// "ใบเสนอราคา" (quotation) whole, where "ราคา" found nothing, and has none for Lao: it gets ICU's words too.

import { escapeRegExp } from "./cjk";

/** Thai, Lao, Myanmar and Khmer blocks. */
const SCRIPT = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]/u;
const RUNS = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+/gu;

/**
 * ICU picks its dictionary by script, whatever the locale named here. Made on first use, not when a page
 * or the server loads this module. Absent (an old browser): runs stay whole, as before.
 */
let segmenter: Intl.Segmenter | null | undefined;
const segmenterOnce = () =>
  (segmenter ??= typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter("th", { granularity: "word" }) : null);

export const hasDictionaryScript = (text: string) => SCRIPT.test(text);

/**
 * Each run of these scripts as its dictionary words set apart by `separator` (a space, or for text that
 * is shown again, a zero-width space that is taken out before: search/meili-text.ts); the rest untouched.
 */
export function dictionaryWords(text: string, separator = " "): string {
  if (!hasDictionaryScript(text)) return text;
  const icu = segmenterOnce();
  if (!icu) return text;
  return text.replace(RUNS, (run) => {
    const words = Array.from(icu.segment(run), (s) => s.segment.trim()).filter(Boolean);
    return `${separator}${words.join(separator)}${separator}`;
  });
}

/**
 * `words` (of these scripts) marked where they stand in `text` outside the marks already there, and
 * marks side by side made one. For Postgres headlines, which read the stored text as PostgreSQL's
 * parser does, a run of these scripts as one word that a query word never equals, so they marked nothing.
 */
export function markDictionaryWords(text: string, words: string[], mark: { start: string; end: string }): string {
  const wanted = [...new Set(words.filter((w) => hasDictionaryScript(w)))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return text;
  const find = new RegExp(wanted.map(escapeRegExp).join("|"), "gu");
  // Even pieces lie outside the marks, odd ones inside.
  const pieces = text.split(new RegExp(`(${escapeRegExp(mark.start)}[^${escapeRegExp(mark.end)}]*${escapeRegExp(mark.end)})`, "u"));
  const marked = pieces.map((piece, i) => (i % 2 ? piece : piece.replace(find, (w) => `${mark.start}${w}${mark.end}`))).join("");
  return marked.split(`${mark.end}${mark.start}`).join("");
}
