// One small cache with an age limit, for the engine's look-ups (synonyms, lexicon facts, bands):
// each is a few rows that change rarely and are read on every search.

export type TtlCache<K, V> = {
  /** The value while it is younger than the TTL, else undefined. */
  get(key: K): V | undefined;
  /** The value and whether it is still fresh, also past its TTL (to answer from while refreshing). */
  peek(key: K): { value: V; fresh: boolean } | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
};

/**
 * `maxEntries` bounds a cache keyed by user input (query words): past it the cache starts over, which
 * costs a look-up per word again, never a wrong answer. Values past their age are dropped too, at most
 * once per TTL when a value is set: a key never asked for again (yesterday's default date range on the
 * insights memo, megabytes each) is not kept until the cache happens to fill.
 */
export function ttlCache<K, V>({ ttlMs, maxEntries = Infinity }: { ttlMs: number; maxEntries?: number }): TtlCache<K, V> {
  const entries = new Map<K, { value: V; at: number }>();
  let swept = Date.now();
  const peek = (key: K) => {
    const entry = entries.get(key);
    return entry && { value: entry.value, fresh: Date.now() - entry.at < ttlMs };
  };
  return {
    get: (key) => {
      const entry = peek(key);
      return entry?.fresh ? entry.value : undefined;
    },
    peek,
    set: (key, value) => {
      const now = Date.now();
      if (now - swept >= ttlMs) {
        swept = now;
        for (const [k, entry] of entries) if (now - entry.at >= ttlMs) entries.delete(k);
      }
      if (entries.size > maxEntries && !entries.has(key)) entries.clear();
      entries.set(key, { value, at: now });
    },
    delete: (key) => void entries.delete(key),
  };
}
