// Migration 0018 on the Postgres engine, on this run's database (PGlite, or PostgreSQL when DATABASE_URL
// is set): an index written when a run of Chinese, Japanese or Thai was one word is upgraded through the
// sync it queues, and nothing else is queued (vocabulary/cjk.ts, vocabulary/dictionary-words.ts).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { searchOutbox, searchTerms } from "@/db/schema";
import { createSearchService } from "@/search/service";
import type { SearchRequest } from "@/search/types";
import { createTestDatabase } from "../setup/databases";
import { migrationsBefore } from "../setup/migrations";
import { createItem } from "./search-fixtures";

const ask = (q: string): SearchRequest => ({ q, types: [], tags: [], offset: 0, limit: 20, scope: { teams: [], now: new Date() } });

describe("migration 0018 (words of scripts written without spaces)", () => {
  it("queues only the documents in those scripts, rewrites them and the lexicon through the sync", async () => {
    const handle = await createTestDatabase({ migrated: false });
    try {
      await migrateDb(handle, migrationsBefore("0018_search_unspaced_scripts"));
      const japanese = await createItem(handle.db, { title: "営業資料の作り方" });
      const thai = await createItem(handle.db, { title: "ใบเสนอราคาสำหรับลูกค้า" });
      const latin = await createItem(handle.db, { title: "Atlas pricing deck" });
      // As the engine indexed them before: each run one word in the vectors and the lexicon, nothing queued.
      await handle.db.delete(searchOutbox);
      await handle.db.execute(sql`
        insert into search_documents (item_id, type, title, summary, published_at, title_tsv, tsv)
        select id, type::text, title, summary, published_at, to_tsvector('english_unaccent', title),
          setweight(to_tsvector('english_unaccent', title), 'A')
        from items`);
      await handle.db
        .insert(searchTerms)
        .values([{ term: "営業資料の作り方" }, { term: "ใบเสนอราคาสำหร" }, { term: "atlas" }, { term: "pricing" }]);

      await migrateDb(handle);
      const queued = rowsOf<{ item_id: string }>(await handle.db.execute(sql`select item_id from search_outbox`)).map((r) => r.item_id);
      expect(queued.sort()).toEqual([japanese, thai].sort());
      const service = createSearchService({ db: handle.db });
      const ids = async (q: string) => (await service.search(ask(q))).hits.map((h) => h.id);
      // Until the sync has rewritten them, the old vectors hold whole runs.
      expect(await ids("資料")).toEqual([]);
      expect(await service.syncNow()).toEqual({ processed: 2, pending: 0 });
      for (const [q, want] of [
        ["資料", [japanese]],
        ["ราคา", [thai]],
        ["pricing", [latin]],
      ] as const) {
        expect({ q, ids: await ids(q) }).toEqual({ q, ids: want });
      }
      const terms = rowsOf<{ term: string }>(await handle.db.execute(sql`select term from search_terms order by term`)).map((r) => r.term);
      expect(terms).toEqual(["atlas", "pricing", "ราคา", "เสนอ"]);
      await service.stop();
    } finally {
      await handle.close();
    }
  });
});
