// Chinese and Japanese words, for every searcher: the Postgres engine (search/postgres/), Meilisearch
// (search/meilisearch.ts) and the phone's offline search (app/offline/search.ts). Browser-safe.
//
// Chinese and Japanese are written without spaces, so "営業資料" (sales material) is one word to
// PostgreSQL's parser and to MiniSearch, and "資料" found nothing inside it. Meilisearch segments with
// dictionaries, but guesses the language of each text: a query of kanji alone ("価格", price) is read as
// Chinese and cut unlike the Japanese document it came from, and found nothing either. So every engine
// reads these scripts by character here, the same way for documents and queries, as search engines
// commonly do (Lucene's CJK bigrams): no dictionary, no guess.

/**
 * Han ideographs (the unified block, extensions A–I and the compatibility ones), Hiragana, Katakana
 * (half-width too) and the prolonged sound mark: as code point ranges, so the same set is written as a
 * JavaScript class and as a PostgreSQL regular expression class (which has no \p{Script=…}).
 */
const RANGES: [number, number][] = [
  [0x3040, 0x309f], // Hiragana
  [0x30a0, 0x30ff], // Katakana, with ー
  [0x31f0, 0x31ff], // Katakana phonetic extensions
  [0x3400, 0x4dbf], // Extension A
  [0x4e00, 0x9fff], // Unified ideographs
  [0xf900, 0xfaff], // Compatibility ideographs
  [0xff66, 0xff9f], // Half-width Katakana
  [0x20000, 0x323af], // Extensions B–H (planes 2 and 3)
];

const hex = (cp: number) => cp.toString(16).padStart(4, "0");
const CLASS = `[${RANGES.map(([a, b]) => `\\u{${hex(a)}}-\\u{${hex(b)}}`).join("")}]`;
const ONE = new RegExp(CLASS, "u");
const RUNS = new RegExp(`${CLASS}+`, "gu");
const CHARS = new RegExp(CLASS, "gu");

/** The same class for a PostgreSQL regular expression (UTF-8 database). */
export const PG_CJK_CLASS = `[${RANGES.map(([a, b]) => `${String.fromCodePoint(a)}-${String.fromCodePoint(b)}`).join("")}]`;

export const hasCjk = (text: string) => ONE.test(text);

/**
 * A run's terms for an index: every character and every pair of neighbours ("営業資料" → 営, 業, 資, 料,
 * 営業, 業資, 資料). Pairs find a word of two or more characters anywhere in a run; single characters,
 * a query of one.
 */
function indexTerms(run: string): string[] {
  const chars = Array.from(run);
  const pairs = chars.slice(1).map((c, i) => chars[i] + c);
  return [...chars, ...pairs];
}

/**
 * What a query word asks for: its pairs, every one required ("営業資料" → 営業, 業資, 資料), or the
 * character itself when it is one; other letters in the same word are words of their own
 * ("iPhone用" → iphone, 用).
 */
export function cjkQueryTerms(word: string): string[] {
  const out: string[] = [];
  let rest = 0;
  for (const m of word.matchAll(RUNS)) {
    if (m.index > rest) out.push(word.slice(rest, m.index));
    const chars = Array.from(m[0]);
    out.push(...(chars.length === 1 ? chars : chars.slice(1).map((c, i) => chars[i] + c)));
    rest = m.index + m[0].length;
  }
  if (rest < word.length) out.push(word.slice(rest));
  return out;
}

/**
 * Text as an index reads it: each run of these scripts replaced by its terms, set apart by spaces; the
 * rest untouched. The text shown to people is never this: it is made only for vectors and indexes.
 */
export const cjkIndexText = (text: string) => text.replace(RUNS, (run) => ` ${indexTerms(run).join(" ")} `);

/**
 * Each character of these scripts set apart by `separator`, so a tokenizer sees one word per character
 * and a phrase of them finds the characters in a row. Undone by `joinCjk`.
 */
export const spreadCjk = (text: string, separator: string) => text.replace(CHARS, (c) => `${separator}${c}${separator}`);

/** `s` matched as itself in a regular expression. */
export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A spread text (or a snippet of it) back as written: the separators gone (any the text had before
 * too: they are invisible control or format characters), and the highlights that an engine put around
 * each character of a word made one around the word. Given the query's `words`, a highlight of these
 * scripts that holds none of them goes: an engine marks every occurrence of a word's characters, so
 * "業" of "製造業" was marked for "営業資料".
 */
export function joinCjk(text: string, separator: string, highlight?: { start: string; end: string; words?: string[] }): string {
  const sep = escapeRegExp(separator);
  let joined = text;
  if (highlight) {
    const [start, end] = [escapeRegExp(highlight.start), escapeRegExp(highlight.end)];
    joined = joined.replace(new RegExp(`${end}(?:${sep})+${start}`, "g"), "");
    const words = highlight.words?.filter(hasCjk);
    if (words?.length) {
      joined = joined.replace(new RegExp(`${start}([^${end}]*)${end}`, "g"), (marked, inner: string) => {
        const span = inner.replace(new RegExp(sep, "g"), "").toLowerCase();
        return !hasCjk(span) || words.some((w) => span.includes(w)) ? marked : inner;
      });
    }
  }
  return joined.replace(new RegExp(sep, "g"), "");
}
