// Accent folding on the Postgres engine, on this run's database (PGlite, or PostgreSQL when DATABASE_URL
// is set): the fold in code (vocabulary/accents.ts: query words, lexicon, synonyms, offline search) agrees
// with the one in SQL (unaccent, in vectors and queries), and an index written before folding is upgraded.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { searchOutbox, searchTerms } from "@/db/schema";
import { createSearchService } from "@/search/service";
import type { SearchRequest } from "@/search/types";
import { foldAccents } from "@/vocabulary/accents";
import { createTestDatabase } from "../setup/databases";
import { migrationsBefore } from "../setup/migrations";
import { createItem } from "./search-fixtures";

const ask = (q: string): SearchRequest => ({ q, types: [], tags: [], offset: 0, limit: 20, scope: { teams: [], now: new Date() } });

/**
 * Letters of the Latin, Greek and Cyrillic blocks, one string each, as text reaches both folds: NFKC
 * within words (search/query.ts). NOTE: PostgreSQL 15's unaccent lacks some that NFKC replaces anyway,
 * such as the Greek oxia letters (U+1F71 is U+03AC); PGlite's (PostgreSQL 18) has them.
 */
function lettersOfEuropeanScripts(): string[] {
  const blocks = [
    [0x00c0, 0x024f],
    [0x0370, 0x052f],
    [0x1e00, 0x1fff],
    [0x2c60, 0x2c7f],
    [0xa720, 0xa7ff],
  ];
  const letters: string[] = [];
  for (const [from, to] of blocks) {
    for (let cp = from; cp <= to; cp++) {
      const c = String.fromCodePoint(cp);
      if (/\p{L}/u.test(c) && c.normalize("NFKC") === c) letters.push(c);
    }
  }
  return letters;
}

describe("accent folding in code and in PostgreSQL", () => {
  it("never folds a letter that PostgreSQL's unaccent keeps or folds otherwise", async () => {
    // A letter folded in code but not in the vectors would make every query word with it miss
    // (Cyrillic "й" if marks were stripped on every script); the reverse only costs a completion.
    const handle = await createTestDatabase();
    try {
      const folded = lettersOfEuropeanScripts().filter((c) => foldAccents(c) !== c);
      expect(folded.length).toBeGreaterThan(500);
      const rows = rowsOf<{ c: string; u: string }>(
        await handle.db.execute(sql`select c, unaccent(c) as u from jsonb_array_elements_text(${JSON.stringify(folded)}::jsonb) c`),
      );
      const differ = rows.filter((r) => r.u !== foldAccents(r.c)).map((r) => `${r.c} → ${foldAccents(r.c)}, unaccent ${r.u}`);
      expect(differ).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});

describe("migration 0017 (accent-insensitive Postgres search)", () => {
  it("rewrites documents and the lexicon indexed before accents were folded, through the sync it queues", async () => {
    const handle = await createTestDatabase({ migrated: false });
    try {
      await migrateDb(handle, migrationsBefore("0017_search_accent_folding"));
      const itemId = await createItem(handle.db, { title: "Résumé template", summary: "For the München team" });
      // As the engine indexed it before: `english` vectors, the lexicon's words as written, nothing queued.
      await handle.db.delete(searchOutbox);
      await handle.db.execute(sql`
        insert into search_documents (item_id, type, title, summary, published_at, title_tsv, tsv)
        select id, type::text, title, summary, published_at, to_tsvector('english', title),
          setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', summary), 'C')
        from items where id = ${itemId}`);
      await handle.db.insert(searchTerms).values([{ term: "résumé" }, { term: "template" }, { term: "münchen" }]);

      await migrateDb(handle);
      const service = createSearchService({ db: handle.db });
      const ids = async (q: string) => (await service.search(ask(q))).hits.map((h) => h.id);
      // Until the sync has rewritten it, the old vector holds "münchen" where the query looks for "munchen".
      expect(await ids("munchen")).toEqual([]);
      const report = await service.syncNow();
      expect(report).toEqual({ processed: 1, pending: 0 });
      for (const q of ["munchen", "resume", "Résumé template"]) expect({ q, ids: await ids(q) }).toEqual({ q, ids: [itemId] });
      const terms = rowsOf<{ term: string }>(await handle.db.execute(sql`select term from search_terms order by term`)).map((r) => r.term);
      expect(terms).toEqual(["for", "munchen", "resume", "team", "template", "the"]);
      await service.stop();
    } finally {
      await handle.close();
    }
  });
});
