// Offline search over the device's catalog with MiniSearch: the same filters as the online search
// (`type`, `tag`), prefix and typo tolerance, and a flag for what is saved on the device.
// The bench (test/bench/offline.ts) runs this exact code.
import MiniSearch, { type Options, type SearchOptions } from "minisearch";
import { foldAccents } from "@/vocabulary/accents";
import { cjkIndexText, cjkQueryTerms, hasCjk } from "@/vocabulary/cjk";
import { dictionaryWords } from "@/vocabulary/dictionary-words";
import { isExpired } from "./catalog-views";
import type { CatalogItem } from "./types";

type Doc = { id: string; title: string; summary: string; body: string; tags: string; type: string };

/** Words in nearly every document: they cost the most to score and tell results apart the least. */
const STOPWORDS = new Set(
  "a an and are as at be by for from has have in is it its of on or our that the their this to was we were will with you your".split(" "),
);

/**
 * Words as the server's engines read them (search/query.ts): runs of letters, combining marks and digits,
 * so a symbol such as "™" separates words ("Atlas™" is "atlas") and Hindi or Thai words stay whole.
 */
const words = (text: string) =>
  dictionaryWords(text)
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter(Boolean);

/**
 * Chinese and Japanese as the Postgres engine indexes them (vocabulary/cjk.ts): every character and every
 * pair; Thai, Lao, Khmer and Burmese as their dictionary words (words, vocabulary/dictionary-words.ts).
 */
const indexTerms = (text: string) => words(text).flatMap((w) => (hasCjk(w) ? cjkIndexText(w).split(" ").filter(Boolean) : [w]));

/** And as its queries look for them: the pairs of a word, all required (or its one character). */
const queryTerms = (text: string) => words(text).flatMap((w) => (hasCjk(w) ? cjkQueryTerms(w) : [w]));

/**
 * NFKC, as the server normalises documents and queries: a PDF's "ﬁnance" and full-width "ＡＴＬＡＳ" match
 * what is typed. Accents folded as the Postgres engine folds them: "resume" finds "Résumé", "munchen" "München".
 */
function processTerm(term: string): string | null {
  const t = foldAccents(term.normalize("NFKC").toLowerCase());
  return STOPWORDS.has(t) ? null : t;
}

export const INDEX_OPTIONS: Options<Doc> = {
  fields: ["title", "summary", "body", "tags"],
  storeFields: [],
  idField: "id",
  tokenize: indexTerms,
  processTerm,
};

export const QUERY_OPTIONS: SearchOptions = {
  boost: { title: 3, tags: 2, summary: 1.5 },
  // Only the word being typed (the last) is a prefix, and only from three letters: a one- or two-letter
  // prefix matches most of the catalog and is slow on a phone.
  prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
  fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
  maxFuzzy: 2,
  combineWith: "AND",
  tokenize: queryTerms,
  processTerm,
};

function toDoc(item: CatalogItem): Doc {
  return {
    id: item.id,
    title: item.title,
    summary: item.summary,
    // Markdown syntax is noise for search.
    body: (item.bodyMd ?? "").replace(/[#*_`>[\]()-]+/g, " "),
    tags: item.tags.map((t) => t.label).join(" "),
    type: item.type,
  };
}

export type OfflineIndex = { mini: MiniSearch<Doc>; items: Map<string, CatalogItem> };

export function buildIndex(items: readonly CatalogItem[]): OfflineIndex {
  const mini = new MiniSearch<Doc>(INDEX_OPTIONS);
  mini.addAll(items.map(toDoc));
  return { mini, items: new Map(items.map((i) => [i.id, i])) };
}

export type OfflineQuery = {
  q?: string;
  type?: string;
  /** `facet:value` or a bare value matching any facet, as the online search accepts. */
  tag?: string;
  limit?: number;
};

export type OfflineHit = { id: string; title: string; type: string; summary: string; snippet: string; saved: boolean };

function tagMatches(item: CatalogItem, tag: string): boolean {
  const [facet, value] = tag.includes(":") ? tag.split(":", 2) : [undefined, tag];
  return item.tags.some((t) => (facet === undefined || t.facet === facet) && t.value === value);
}

/**
 * Markdown as the words a reader sees, for snippets: the phone has only the source, and the server's
 * renderer is not worth its bytes in the offline bundle for a line of text.
 */
export function markdownWords(markdown: string): string {
  return (
    markdown
      // Bounded spans: with unbounded ones, a body of many "[" and no "]" took time quadratic in its length.
      .replace(/!?\[([^\]\n]{0,500})\]\([^)\s]{0,2000}\)/g, "$1")
      .replace(/^\s{0,3}(?:#{1,6}|>|[-*+]|\d{1,9}[.)])\s+/gm, "")
      .replace(/[*_`~]+/g, "")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** Folded as the index's terms are (processTerm), so a term is found in the text it came from. */
const searchForm = (text: string) => foldAccents(text.normalize("NFKC").toLowerCase());

/**
 * Where `term` (folded) first occurs in `text`, as a position in `text` itself, or -1. Folding can change
 * lengths ("ß" becomes "ss"; a decomposed accent goes): then the position is found by folding ever
 * shorter starts of the text, as the folded length of a start only grows with it.
 */
function indexOfTerm(text: string, folded: string, term: string): number {
  const at = folded.indexOf(term);
  if (at <= 0 || folded.length === text.length) return at;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (searchForm(text.slice(0, mid)).length < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function snippetFor(item: CatalogItem, terms: string[]): string {
  const text = item.bodyMd ? markdownWords(item.bodyMd) : item.summary;
  const folded = searchForm(text);
  const at = terms
    .map((t) => indexOfTerm(text, folded, t))
    .filter((i) => i >= 0)
    .sort((a, b) => a - b)[0];
  if (at === undefined || text.length <= 160) return text.slice(0, 160);
  const start = Math.max(0, at - 60);
  return `${start > 0 ? "…" : ""}${text.slice(start, start + 160)}${start + 160 < text.length ? "…" : ""}`;
}

/** The first `limit` hits and how many there are in all, so a page can say "30 of 412" and offer more. */
export type OfflineResults = { hits: OfflineHit[]; total: number };

export function searchOfflineResults(
  index: OfflineIndex,
  query: OfflineQuery,
  savedIds: ReadonlySet<string> = new Set(),
  now = Date.now(),
): OfflineResults {
  const q = query.q?.trim() ?? "";
  const limit = query.limit ?? 50;
  // Expiry is checked per search, not when the index is built: a page stays open across the moment.
  const accept = (item: CatalogItem) =>
    !isExpired(item, now) && (!query.type || item.type === query.type) && (!query.tag || tagMatches(item, query.tag));
  // MiniSearch ranks every match anyway; only the hits shown get a snippet.
  const found: { item: CatalogItem; terms: string[] }[] = q
    ? index.mini
        .search(q, { ...QUERY_OPTIONS, filter: (r) => accept(index.items.get(r.id as string)!) })
        .map((r) => ({ item: index.items.get(r.id as string)!, terms: r.terms }))
    : // No words: browse by filter, newest first.
      [...index.items.values()]
        .filter(accept)
        .sort((a, b) => (b.publishedAt ?? b.updatedAt).localeCompare(a.publishedAt ?? a.updatedAt))
        .map((item) => ({ item, terms: [] }));
  const hits = found.slice(0, limit).map(({ item, terms }) => ({
    id: item.id,
    title: item.title,
    type: item.type,
    summary: item.summary,
    snippet: snippetFor(item, terms),
    saved: savedIds.has(item.id),
  }));
  return { hits, total: found.length };
}

export const searchOffline = (...args: Parameters<typeof searchOfflineResults>): OfflineHit[] => searchOfflineResults(...args).hits;
