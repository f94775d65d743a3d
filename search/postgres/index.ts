// The Postgres full-text engine (default; PGlite and PostgreSQL alike).
//
// Scale design (docs/decisions/009-search-engines.md): ranking every match with ts_rank is what
// makes naive FTS slow on common words, so every step does bounded work, in one statement per search.
// Matches are read in static order (usefulness, freshness) band by band until a sample is found
// (bands.ts): a rarer query is complete (exact count and facets, rank them all); a common one stops
// in an early band and gets a count estimated from the bands it read, facets scaled from the sample,
// and ranking over its best body and title matches by static score (ranking.ts, counts.ts). Typo
// correction reads a small lexicon of words, never documents (lexicon.ts).
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { searchDocuments } from "@/db/schema";
import { foldAccents } from "@/vocabulary/accents";
import { hasCjk } from "@/vocabulary/cjk";
import { dictionaryWords, hasDictionaryScript } from "@/vocabulary/dictionary-words";
import { expandSynonyms, foldedWords, isBrowse, toTsquery, type QueryNode } from "../query";
import { noMatches, type EngineResult, type SearchIndex, type SearchRequest } from "../types";
import { createStaticBands } from "./bands";
import { createIndexing } from "./indexing";
import { createLexicon, factsKey, withCompletions, withCorrections } from "./lexicon";
import { createRanking } from "./ranking";
import { createSynonymCache } from "./synonyms";

export function createPostgresIndex(db: Db): SearchIndex & { invalidateSynonyms(): void } {
  const bands = createStaticBands(db);
  const synonyms = createSynonymCache(db);
  const lexicon = createLexicon(db);
  const { ranked, browse } = createRanking(db, bands.current);
  const indexing = createIndexing(db, bands.noteChanged);

  async function search(request: SearchRequest): Promise<EngineResult> {
    const words = foldedWords(request.q);
    if (words.length === 0) return isBrowse(request.q) ? browse(request) : noMatches();
    const typed = words[words.length - 1];
    const [groups, facts] = await Promise.all([synonyms.groups(), lexicon.lookUp(words, typed)]);
    const nodes = expandSynonyms(
      words,
      groups.map((group) => group.map(foldAccents)),
    );
    const complete = facts.get(factsKey(typed, true))?.completions;
    // Chinese or Japanese words: the headlines look for their characters in a row; Thai and the like are
    // marked in them afterwards (ranking.ts).
    const queries = (n: QueryNode[], prefix?: string) => {
      const cjk = n.flat(2).filter(hasCjk);
      const marked = n
        .flat(2)
        .filter(hasDictionaryScript)
        .flatMap((w) => dictionaryWords(w).trim().split(/ +/));
      return {
        match: toTsquery(n, prefix),
        headline: cjk.length ? { query: toTsquery(n, prefix, "spread"), words: cjk } : undefined,
        marked,
      };
    };
    const tsquery = (n: QueryNode[]) => (complete ? queries(withCompletions(n, typed, complete)) : queries(n, typed));
    const fixes = new Map<string, string[]>();
    for (const [i, word] of words.entries()) {
      const f = facts.get(factsKey(word, i === words.length - 1));
      if (f && !f.known && f.corrections.length) fixes.set(word, f.corrections);
    }
    const first = await ranked(tsquery(withCorrections(nodes, fixes)), request);
    if (first.total > 0 || first.hits.length > 0 || fixes.size > 0) return first;
    // Known words that matched nothing the seller may see: try their close spellings too.
    const more = await lexicon.corrections(words);
    if (more.size === 0) return first;
    return ranked(queries(withCorrections(nodes, more), typed), request);
  }

  return {
    engine: "postgres",
    index: indexing.index,
    remove: indexing.remove,
    search,
    async applySynonyms(groups) {
      // The table is the source of truth (the service writes it); this only refreshes the cache.
      synonyms.set(groups);
    },
    invalidateSynonyms: synonyms.invalidate,
    async setup() {
      // Tables, indexes, pg_trgm, unaccent and the text search configuration come from migrations.
    },
    rebuild: indexing.rebuild,
    async count() {
      const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${searchDocuments}`));
      return Number(n);
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
  };
}
