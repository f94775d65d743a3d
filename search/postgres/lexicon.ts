// The lexicon (search_terms: every word of the indexed fields, never shown to anyone): what it says
// about the words of a query, for completions of the word being typed and typo corrections.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { searchTerms } from "@/db/schema";
import type { QueryNode } from "../query";
import { TS_CONFIG, derived, json } from "./sql";
import { hasCjk } from "@/vocabulary/cjk";
import { ttlCache } from "./ttl-cache";

/** A typed word with more known completions than this keeps its prefix (one index scan, not dozens). */
const MAX_COMPLETIONS = 20;
const LEXICON_TTL_MS = 10_000;

export type WordFacts = {
  /** Some word of the lexicon starts with this word's stem (or, typed, with the word itself). */
  known: boolean;
  /** Typed word only: the lexicon's words it begins, or null to keep the prefix. */
  completions: string[] | null;
  /** Close spellings, looked up only for an unknown word. */
  corrections: string[];
};

/** The key of a word's facts: the typed (last) word is looked up with its completions. */
export const factsKey = (word: string, typed: boolean) => `${typed ? "~" : ""}${word}`;

const term = searchTerms.term;

/** The lexicon's three spellings closest to `word` (trigram similarity), when `gate` holds. */
const closeSpellings = (word: SQL, gate: SQL) => sql`(
  select coalesce(array_agg(${derived.terms.term} order by sim desc, ${derived.terms.term}), '{}') from (
    select ${term}, similarity(${term}, ${word}) as sim from ${searchTerms}
    where ${gate} and ${term} % ${word} and ${term} <> ${word} order by sim desc, ${term} limit 3) x)`;

/**
 * A word the lexicon can say something about: letters only, 4 to 30 of them, and no Chinese or Japanese
 * (the lexicon holds none: they are looked for by their characters, vocabulary/cjk.ts).
 */
const spellable = (word: string) => word.length >= 4 && word.length <= 30 && /^\p{L}+$/u.test(word) && !hasCjk(word);

export function createLexicon(db: Db) {
  const cache = ttlCache<string, WordFacts>({ ttlMs: LEXICON_TTL_MS, maxEntries: 5_000 });

  /**
   * What the lexicon says about each query word, in one statement for the words not cached. An
   * unknown word is a typo or a word no document has, so its close spellings ("prcing" → "pricing")
   * are fetched with it and join the first search, instead of a second search after an empty one.
   * NOTE: "known" compares the word's stem with the raw words of the lexicon ("prices" → "price",
   * which "price" and "pricing" start with); where a stem is not a prefix of its words ("happiness"
   * → "happi", a document saying only "happy"), the word still matches and only gains corrections.
   *
   * Completions: the lexicon's words that start with the word being typed ("monkab" → "monkabri",
   * "monkabrizet"), or null to keep the prefix: under 4 letters, not letters only, unknown, or more
   * than MAX_COMPLETIONS. The text index lists an exact word by streaming its postings, but builds a
   * bitmap over every word that matches a prefix, which costs several times more. The lexicon holds
   * every word of the indexed fields (see indexing.ts), so no match is lost.
   */
  async function lookUp(words: string[], typed: string): Promise<Map<string, WordFacts>> {
    const out = new Map<string, WordFacts>();
    const wanted: { word: string; typed: boolean }[] = [];
    for (const [i, word] of words.entries()) {
      const isTyped = i === words.length - 1 && word === typed;
      const key = factsKey(word, isTyped);
      const cached = cache.get(key);
      if (!spellable(word)) out.set(key, { known: true, completions: null, corrections: [] });
      else if (cached) out.set(key, cached);
      else if (!out.has(key)) wanted.push({ word, typed: isTyped });
    }
    if (wanted.length === 0) return out;
    const starts = derived.starts.term;
    const rows = rowsOf<{ word: string; typed: boolean; known: boolean; starts: string[]; close: string[] }>(
      await db.execute(sql`
        select w.word, w.typed, k.known, c.starts, t.close
        from jsonb_to_recordset(${json(wanted)}) as w(word text, typed boolean)
        cross join lateral (
          select coalesce(array_agg(${starts} order by ${starts}), '{}') as starts from (
            select ${term} from ${searchTerms} where w.typed and ${term} like w.word || '%' order by ${term} limit ${MAX_COMPLETIONS + 1}) s) c
        cross join lateral (
          select cardinality(c.starts) > 0 or not exists (select from unnest(to_tsvector(${TS_CONFIG}, w.word)) l)
            or exists (select from unnest(to_tsvector(${TS_CONFIG}, w.word)) l, ${searchTerms}
                       where length(l.lexeme) >= 3 and ${term} like l.lexeme || '%') as known) k
        cross join lateral (select ${closeSpellings(sql`w.word`, sql`not k.known`)} as close) t`),
    );
    for (const r of rows) {
      const found = r.starts ?? [];
      const facts: WordFacts = {
        known: r.known,
        completions: found.length === 0 || found.length > MAX_COMPLETIONS ? null : found,
        corrections: r.close ?? [],
      };
      out.set(factsKey(r.word, r.typed), facts);
      cache.set(factsKey(r.word, r.typed), facts);
    }
    return out;
  }

  /** Close spellings from the lexicon for words that may be typos ("prcing" → "pricing"). */
  async function corrections(words: string[]): Promise<Map<string, string[]>> {
    const candidates = [...new Set(words.filter(spellable))];
    const out = new Map<string, string[]>();
    if (candidates.length === 0) return out;
    const rows = rowsOf<{ word: string; close: string[] }>(
      await db.execute(sql`
        select w.w as word, ${closeSpellings(sql`w.w`, sql`true`)} as close from jsonb_array_elements_text(${json(candidates)}) w(w)`),
    );
    for (const r of rows) if (r.close?.length) out.set(r.word, r.close);
    return out;
  }

  return { lookUp, corrections };
}

/** The typed word's alternatives in the last node become its completions, matched whole. */
export const withCompletions = (nodes: QueryNode[], typed: string, terms: string[]): QueryNode[] =>
  nodes.map((alts, n) =>
    n < nodes.length - 1 ? alts : alts.flatMap((seq) => (seq.length === 1 && seq[0] === typed ? terms.map((t) => [t]) : [seq])),
  );

/** Each single word's close spellings join it as alternatives. */
export const withCorrections = (nodes: QueryNode[], fixes: Map<string, string[]>): QueryNode[] =>
  nodes.map((alts) => {
    const extra = alts.flatMap((seq) => (seq.length === 1 ? (fixes.get(seq[0]) ?? []).map((t) => [t]) : []));
    return [...alts, ...extra];
  });
