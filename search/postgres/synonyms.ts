// Synonym groups for query expansion. The table is the source of truth (the search service writes
// it); every search reads the groups, so they are cached briefly.
import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { searchSynonyms } from "@/db/schema";
import { ttlCache } from "./ttl-cache";

const SYNONYM_TTL_MS = 10_000;

export function createSynonymCache(db: Db) {
  const cache = ttlCache<"groups", string[][]>({ ttlMs: SYNONYM_TTL_MS });
  return {
    async groups(): Promise<string[][]> {
      const cached = cache.get("groups");
      if (cached) return cached;
      const rows = rowsOf<{ terms: string[] }>(await db.execute(sql`select ${searchSynonyms.terms} from ${searchSynonyms}`));
      const groups = rows.map((r) => r.terms);
      cache.set("groups", groups);
      return groups;
    },
    /** Groups the caller just wrote: searches use them at once. */
    set: (groups: string[][]) => cache.set("groups", groups),
    invalidate: () => cache.delete("groups"),
  };
}
