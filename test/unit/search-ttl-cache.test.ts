// The Postgres engine's one cache helper: synonyms, lexicon facts and static-order bands all rely on
// values expiring after their TTL, and on a stale value staying readable for the bands' refresh.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ttlCache } from "@/search/postgres/ttl-cache";

describe("ttlCache", () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00Z") }));
  afterEach(() => vi.useRealTimers());

  it("answers a value until its TTL has passed, then nothing", () => {
    const cache = ttlCache<string, number>({ ttlMs: 1_000 });
    cache.set("a", 1);
    vi.advanceTimersByTime(999);
    expect(cache.get("a")).toBe(1);
    vi.advanceTimersByTime(1);
    expect(cache.get("a")).toBeUndefined();
  });

  it("still shows an expired value to peek, marked stale", () => {
    const cache = ttlCache<string, number>({ ttlMs: 1_000 });
    cache.set("a", 1);
    expect(cache.peek("a")).toEqual({ value: 1, fresh: true });
    vi.advanceTimersByTime(5_000);
    expect(cache.peek("a")).toEqual({ value: 1, fresh: false });
    expect(cache.peek("b")).toBeUndefined();
  });

  it("restarts the age of a value set again", () => {
    const cache = ttlCache<string, number>({ ttlMs: 1_000 });
    cache.set("a", 1);
    vi.advanceTimersByTime(800);
    cache.set("a", 2);
    vi.advanceTimersByTime(800);
    expect(cache.get("a")).toBe(2);
  });

  it("drops values past their age when a value is set a TTL later, not only once the cache is full", () => {
    const cache = ttlCache<string, number>({ ttlMs: 1_000, maxEntries: 200 });
    cache.set("yesterday", 1);
    cache.set("a minute ago", 2);
    vi.advanceTimersByTime(600);
    cache.set("now", 3);
    // Not yet a TTL since the last sweep: the old values stay readable to peek.
    expect(cache.peek("yesterday")).toEqual({ value: 1, fresh: true });
    vi.advanceTimersByTime(500);
    cache.set("later", 4);
    expect([cache.peek("yesterday"), cache.peek("a minute ago")]).toEqual([undefined, undefined]);
    expect([cache.get("now"), cache.get("later")]).toEqual([3, 4]);
  });

  it("forgets a deleted value", () => {
    const cache = ttlCache<string, number>({ ttlMs: 1_000 });
    cache.set("a", 1);
    cache.delete("a");
    expect(cache.peek("a")).toBeUndefined();
  });

  it("starts over when a new key arrives past maxEntries, keeping updates of known keys", () => {
    const cache = ttlCache<string, number>({ ttlMs: 1_000, maxEntries: 2 });
    for (const [i, key] of ["a", "b", "c"].entries()) cache.set(key, i);
    cache.set("c", 9); // a known key never empties the cache
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([0, 1, 9]);
    cache.set("d", 3);
    expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.get("d")]).toEqual([undefined, undefined, undefined, 3]);
  });
});
