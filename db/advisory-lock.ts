// Serialising work that has no row of its own to lock (a sign-in's attempt count, "is anyone else an
// admin?"), across processes and on both databases: PostgreSQL's advisory locks, keyed by text.
import { sql } from "drizzle-orm";
import type { Db } from "./client";

/** A transaction-scoped advisory lock on a text key: the next transaction locking it waits for this one. */
export async function lockKey(tx: Pick<Db, "execute">, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}
