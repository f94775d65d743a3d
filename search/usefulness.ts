// The seam with feedback: ratings become one fair usefulness number per item, which both engines
// use only to break relevance ties. Call inside the transaction that stores the rating.
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { searchUsefulness } from "@/db/schema";
import { queueSearchSync } from "./outbox";

type AnyDb = PgDatabase<PgQueryResultHKT, any>;

/**
 * Lower bound of the Wilson score interval (95 %): an item with 3 of 3 useful votes does not
 * outrank one with 95 of 100. Returns 0 when nobody has rated yet. Insights use the same function.
 */
export function wilsonLowerBound(positive: number, total: number, z = 1.959963984540054): number {
  if (total <= 0) return 0;
  const p = positive / total;
  const z2 = z * z;
  const centre = p + z2 / (2 * total);
  const margin = z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total));
  return Math.max(0, Math.min(1, (centre - margin) / (1 + z2 / total)));
}

export const fairUsefulness = (useful: number, total: number) => wilsonLowerBound(useful, total);

/** Stores the item's score from its rating counts and queues the search update. */
export async function setItemUsefulness(db: AnyDb, itemId: string, votes: { useful: number; total: number }): Promise<void> {
  const score = fairUsefulness(votes.useful, votes.total);
  await db
    .insert(searchUsefulness)
    .values({ itemId, score })
    .onConflictDoUpdate({ target: searchUsefulness.itemId, set: { score, updatedAt: new Date() } });
  await queueSearchSync(db, [itemId]);
}
