// Sliding-window limits kept in Postgres, so they hold across restarts and across server processes.
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { lockKey } from "@/db/advisory-lock";
import type { Db } from "@/db/client";
import { rateLimitHits } from "@/db/schema";

/** Counts one attempt under `key`; false (and nothing recorded) when `limit` were already made in the window. */
export async function takeRateLimit(db: Db, key: string, { limit, windowMs }: { limit: number; windowMs: number }): Promise<boolean> {
  const since = new Date(Date.now() - windowMs);
  return db.transaction(async (tx) => {
    // Counted and recorded under a lock on the key: counted outside one, a burst of requests all saw
    // room and all passed (dozens of reset mails to an inbox limited to three).
    await lockKey(tx, `rate:${key}`);
    const [{ hits }] = await tx
      .select({ hits: sql<number>`count(*)::int` })
      .from(rateLimitHits)
      .where(and(eq(rateLimitHits.key, key), gt(rateLimitHits.at, since)));
    if (hits >= limit) return false;
    await tx.insert(rateLimitHits).values({ key });
    // Old hits of this key are no longer counted; dropping them here keeps the table small without a sweep.
    await tx.delete(rateLimitHits).where(and(eq(rateLimitHits.key, key), lt(rateLimitHits.at, since)));
    return true;
  });
}
