// A short-lived, per-process memo for the Insights page's aggregates (per-item figures, library health,
// content gaps, adoption), keyed by what they depend on: the scope's teams and the range. At 10,000
// items and 1 M events the per-item figures cost a few hundred milliseconds on a busy machine; a desk
// that reloads the page, or several people looking at the same scope, share one computation for up to
// `AGGREGATE_TTL_MS`. Invalidation is by age only: a new event, rating, search or share shows on the
// page at most that much later. The API, the CSV downloads and the item pages always compute afresh.
import type { Db } from "@/db/client";
import { ttlCache, type TtlCache } from "@/search/postgres/ttl-cache";

export const AGGREGATE_TTL_MS = 60_000;
/** Scopes × ranges in use at once; past it the memo starts over (a recomputation, never a wrong figure). */
const MAX_ENTRIES = 200;

/** Per database handle, so test apps (and the two engines) never see each other's figures. */
const memos = new WeakMap<Db, TtlCache<string, Promise<unknown>>>();

/**
 * `load()`'s result for `key`, computed at most once per `AGGREGATE_TTL_MS`. Concurrent callers share
 * the computation in flight; a failure is not kept. The caller authorises before asking: the key must
 * name everything the result depends on.
 */
export function memoAggregate<T>(db: Db, key: string, load: () => Promise<T>): Promise<T> {
  let memo = memos.get(db);
  if (!memo) memos.set(db, (memo = ttlCache({ ttlMs: AGGREGATE_TTL_MS, maxEntries: MAX_ENTRIES })));
  const known = memo.get(key);
  if (known) return known as Promise<T>;
  const value = load();
  memo.set(key, value);
  const kept = memo;
  value.catch(() => {
    if (kept.peek(key)?.value === value) kept.delete(key);
  });
  return value;
}
