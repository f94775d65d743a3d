// Sliding-window limits kept in Postgres, so they hold across restarts and across server processes.
import { and, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rateLimitHits } from "@/db/schema";

/** Counts one attempt under `key`; false (and nothing recorded) when `limit` were already made in the window. */
export async function takeRateLimit(db: Db, key: string, { limit, windowMs }: { limit: number; windowMs: number }): Promise<boolean> {
  const since = new Date(Date.now() - windowMs);
  const [{ hits }] = await db
    .select({ hits: sql<number>`count(*)::int` })
    .from(rateLimitHits)
    .where(and(eq(rateLimitHits.key, key), gt(rateLimitHits.at, since)));
  if (hits >= limit) return false;
  await db.insert(rateLimitHits).values({ key });
  // Old hits of this key are no longer counted; dropping them here keeps the table small without a sweep.
  await db.delete(rateLimitHits).where(and(eq(rateLimitHits.key, key), lt(rateLimitHits.at, since)));
  return true;
}
