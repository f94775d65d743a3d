// Pure query handling shared by both engines: normalising what a person typed, splitting it into
// words, expanding synonyms, and turning it into each engine's syntax without letting any of the
// user's characters become syntax.
import { foldAccents } from "@/vocabulary/accents";
import { cjkQueryTerms, hasCjk, spreadCjk } from "@/vocabulary/cjk";
import { dictionaryWords, hasDictionaryScript } from "@/vocabulary/dictionary-words";
import { HL_END, HL_START, type SearchRequest } from "./types";

export const MAX_QUERY_CHARS = 200;
/**
 * NOTE: Meilisearch ignores every query word after its 10th; both engines get the words from here,
 * so a higher cap would let Postgres require words that Meilisearch never sees.
 */
const MAX_QUERY_WORDS = 10;
const MAX_WORD_CHARS = 40;

/** Runs of word characters: letters (circled ones too, symbols with a letter inside), combining marks, digits. */
const WORD_RUNS = /[\p{Alphabetic}\p{M}\p{N}]+/gu;

/**
 * NFKC within words, for text on its way into every engine (search/documents.ts) and for queries
 * (normaliseQuery): a PDF's "ﬁnance" (ligature) and full-width "ＡＴＬＡＳ" become the words people type.
 * NOTE: not the whole text: NFKC writes "™" as "TM", and "Atlas™", which PostgreSQL reads as the
 * word "atlas" (and Meilisearch, told so: settings.ts), would become "atlastm", which "atlas" misses.
 */
export const normaliseText = (text: string) => text.replace(WORD_RUNS, (run) => keepSaraAm(run.normalize("NFKC")));

/**
 * Thai "ำ" and Lao "ຳ" as they are written. NOTE: NFKC splits each into two signs ("สำหรับ" became
 * "สําหรับ"), which no dictionary knows: ICU then cut "ใบเสนอราคาสำหรับ" into "รา" and "คาสํ", and
 * Meilisearch's own segmentation failed alike, so "ราคา" (price) found nothing in it.
 */
const keepSaraAm = (text: string) => text.replace(/\u0e4d\u0e32/g, "\u0e33").replace(/\u0ecd\u0eb2/g, "\u0eb3");

/**
 * The symbols normaliseText leaves between words although NFKC writes them as letters or digits ("™",
 * "㎏"): word separators, as PostgreSQL's parser reads them (Meilisearch is told so: settings.ts).
 */
export function compatibilitySymbols(): string[] {
  const symbols: string[] = [];
  // Planes 0 and 1 hold them all (the compatibility ideographs of plane 2 are letters).
  for (let cp = 0; cp <= 0x1ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    const nfkc = c.normalize("NFKC");
    if (nfkc !== c && !/[\p{Alphabetic}\p{M}\p{N}]/u.test(c) && /[\p{L}\p{N}]/u.test(nfkc)) symbols.push(c);
  }
  return symbols;
}

/**
 * Lower-case, NFKC within words, no control or marker characters, single spaces. What the query log
 * stores. NOTE: a dotted capital I becomes "i", as PostgreSQL lower-cases it in documents (and
 * Meilisearch matches it), where toLowerCase() gives "i" plus a combining dot that no indexed word has.
 */
export function normaliseQuery(raw: string): string {
  return normaliseText(raw)
    .replace(/\u0130/g, "I")
    .toLowerCase()
    .replace(/[\p{Cc}\p{Cf}\p{Co}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A word: a letter or digit, then letters, digits and the combining marks written within words.
 * NOTE: marks belong to the word. PostgreSQL's parser (PG 15, and PG 18 in PGlite) and Meilisearch
 * keep Hindi "हिन्दी" and Thai "สวัสดี" whole; cut at their vowel signs (\p{M}), a query looked for
 * fragments ("ह", "न", "द") that no document holds, on both engines.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/** Words only: punctuation, operators and quotes are separators, never syntax. */
export function tokenize(q: string): string[] {
  const words = normaliseQuery(q).match(WORD) ?? [];
  // Cut by code point: by UTF-16 unit, a word of CJK Extension B characters or emoji lost half of its
  // 40th character, and the lone surrogate reached the engines as U+FFFD, a character no document holds.
  return words.slice(0, MAX_QUERY_WORDS).map((w) => Array.from(w).slice(0, MAX_WORD_CHARS).join(""));
}

/**
 * The Postgres engine's words: tokenize's with accents folded, the form its lexicon holds (lexiconWords),
 * so completions, typo corrections and synonym groups meet "resume" and "résumé" alike. Its vectors
 * and queries fold the same way in SQL (postgres/sql.ts, TS_CONFIG).
 * NOTE: not for Meilisearch, which folds on its own and not as far: it keeps "ß" and "ł", so a query
 * folded to "strasse" would miss the "Straße" it finds today.
 */
export const foldedWords = (q: string): string[] => tokenize(q).map(foldAccents);

/**
 * Only a query with nothing in it browses the library. One of punctuation alone ("!!!", "—") asked for
 * something that has no word to look for: it matches nothing, on every engine.
 */
export const isBrowse = (q: string) => normaliseQuery(q) === "";

/** One position in the query: any of these alternatives, each a sequence of words. */
export type QueryNode = string[][];

/**
 * Replaces every run of words that equals a synonym term with all terms of its group, longest match
 * first: "mql pricing" with ["mql", "marketing qualified lead"] gives
 * [[["mql"], ["marketing","qualified","lead"]], [["pricing"]]].
 */
export function expandSynonyms(words: string[], groups: string[][]): QueryNode[] {
  const phrases = new Map<string, string[][]>();
  let longest = 1;
  for (const group of groups) {
    const alternatives = group.map(tokenize).filter((t) => t.length > 0);
    for (const alt of alternatives) {
      const key = alt.join(" ");
      const existing = phrases.get(key) ?? [];
      for (const other of alternatives) {
        if (!existing.some((e) => e.join(" ") === other.join(" "))) existing.push(other);
      }
      phrases.set(key, existing);
      longest = Math.max(longest, alt.length);
    }
  }
  const nodes: QueryNode[] = [];
  for (let i = 0; i < words.length;) {
    let matched = false;
    for (let n = Math.min(longest, words.length - i); n >= 1 && !matched; n--) {
      const alts = phrases.get(words.slice(i, i + n).join(" "));
      if (alts) {
        nodes.push(alts);
        i += n;
        matched = true;
      }
    }
    if (!matched) {
      nodes.push([[words[i]]]);
      i += 1;
    }
  }
  return nodes;
}

/**
 * One word for to_tsquery(), `:*` when it is the prefix being typed. NOTE: PostgreSQL lower-cases a
 * capital sigma to "σ" even at the end of a word, so "ΟΔΗΓΟΣ" is indexed "οδηγοσ" while the word as
 * typed ends in "ς": a word ending in either looks for both (Meilisearch folds them itself).
 */
function tsWord(word: string, prefix: boolean): string {
  const p = prefix ? ":*" : "";
  if (!/[σς]$/u.test(word)) return `${word}${p}`;
  const stem = word.slice(0, -1);
  return `(${stem}ς${p} | ${stem}σ${p})`;
}

/**
 * How a query's Chinese and Japanese words are looked for (vocabulary/cjk.ts): `index`, by the pairs of
 * characters the vectors hold, every one required; `spread`, as characters in a row, for headlines made
 * from text whose characters stand apart (a headline reads the text itself, not a vector).
 */
export type CjkForm = "index" | "spread";

/**
 * A word that may hold Chinese or Japanese, or run Thai (Lao, Khmer, Burmese) words together: its terms,
 * all required, the prefix only on the last (vocabulary/cjk.ts, vocabulary/dictionary-words.ts).
 */
function tsTerm(word: string, prefix: boolean, form: CjkForm): string {
  const words = hasDictionaryScript(word) ? dictionaryWords(word).trim().split(/ +/) : [word];
  if (words.length > 1) return `(${words.map((w, i) => tsTerm(w, prefix && i === words.length - 1, form)).join(" & ")})`;
  if (!hasCjk(word)) return tsWord(word, prefix);
  const terms = form === "index" ? cjkQueryTerms(word) : spreadCjk(word, " ").trim().split(/ +/);
  const parts = terms.map((t, i) => (hasCjk(t) ? t : tsWord(t, prefix && i === terms.length - 1)));
  return parts.length === 1 ? parts[0] : `(${parts.join(form === "index" ? " & " : " <-> ")})`;
}

/**
 * A to_tsquery() string, prefix-matching only the word still being typed (`typed`, the query's last
 * word, where it stands last): `pricing & (mql:* | marketing & qualified & lead)`. The words before it
 * are complete, so they match whole (stemmed) words, as Meilisearch does, and so do the synonyms and
 * typo corrections added beside it, which are whole words; a prefix also costs the text index several
 * times more (every word that starts with it). Safe by construction: words contain only letters,
 * digits and combining marks (see tokenize).
 */
export function toTsquery(nodes: QueryNode[], typed?: string, form: CjkForm = "index"): string {
  return nodes
    .map((alts, n) => {
      const last = n === nodes.length - 1;
      const parts = alts.map((seq) => {
        const words = seq.map((w, i) => tsTerm(w, last && i === seq.length - 1 && w === typed, form));
        return words.length === 1 ? words[0] : `(${words.join(" & ")})`;
      });
      return parts.length === 1 ? parts[0] : `(${parts.join(" | ")})`;
    })
    .join(" & ");
}

/**
 * Plain words for the lexicon used for typo correction (raw words, not stems: trigrams need the
 * spelling), accents folded as the engine's query words are (foldedWords).
 */
export function lexiconWords(text: string): string[] {
  const out = new Set<string>();
  // Chinese and Japanese characters apart, so none of theirs is three letters long: they are looked for
  // by their characters (vocabulary/cjk.ts), and a run of them is often a whole sentence, no spelling to
  // correct a query word towards.
  // Thai and the like as their dictionary words, as queries look for them: a run of them was one entry,
  // which a query word close to it "corrected" to, and the snippet marked the whole run.
  // Whole words only, as the index holds them: cut at their marks, Thai and Hindi words left fragments
  // ("สำหร" of "สำหรับ"), and cut at their digits, "Quorvex3000" gave "quorvex", which the index has not:
  // typed in full, "quorvex" was completed to itself and found nothing. A word with digits is kept whole
  // (it completes the letters typed so far); digits alone are no word to complete or correct towards.
  // Long compounds too (up to 60 letters): at 30, "vertriebsunterstützungs…" was no completion.
  const words = spreadCjk(foldAccents(dictionaryWords(text.toLowerCase())), " ").match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  for (const w of words) if (/^[\p{L}\p{N}]{3,60}$/u.test(w) && /\p{L}/u.test(w)) out.add(w);
  return [...out];
}

const quoteFilter = (v: string) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

/**
 * Meilisearch filter expressions for a request, audience rule first. Every value is quoted, and
 * values were validated before reaching here (uuids, enum types, slug-like tag values).
 */
export function meiliFilter(request: Pick<SearchRequest, "scope" | "types" | "tags">): string[] {
  const { teams, now } = request.scope;
  const filters = [
    `status = "published"`,
    `expiresAt > ${now.getTime()}`,
    teams.length ? `(audience IS EMPTY OR audience IN [${teams.map(quoteFilter).join(", ")}])` : `audience IS EMPTY`,
  ];
  if (request.types.length) filters.push(`type IN [${request.types.map(quoteFilter).join(", ")}]`);
  for (const [facet, values] of groupTags(request.tags)) {
    filters.push(`tags IN [${values.map((v) => quoteFilter(`${facet}:${v}`)).join(", ")}]`);
  }
  return filters;
}

export function groupTags(tags: { facet: string; value: string }[]): Map<string, string[]> {
  const byFacet = new Map<string, string[]>();
  for (const t of tags) byFacet.set(t.facet, [...(byFacet.get(t.facet) ?? []), t.value]);
  return byFacet;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes everything, then turns the engines' markers into <mark>: the only HTML a snippet may carry. */
export function snippetHtml(snippet: string): string {
  const escaped = snippet.replace(/[&<>"']/g, (c) => ESCAPES[c]);
  let open = false;
  let out = "";
  for (const ch of escaped) {
    if (ch === HL_START && !open) {
      out += "<mark>";
      open = true;
    } else if (ch === HL_END && open) {
      out += "</mark>";
      open = false;
    } else if (ch !== HL_START && ch !== HL_END) {
      out += ch;
    }
  }
  return open ? `${out}</mark>` : out;
}

/** Marker characters must never come from stored text, or a document could fake a highlight. */
export const stripMarkers = (text: string) => text.replace(/[\uE000\uE001]/g, "");
