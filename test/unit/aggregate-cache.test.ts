// The Insights page's memo: one computation per key and database for its TTL, shared while in flight,
// never keeping a failure, never shared between databases.
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { AGGREGATE_TTL_MS, memoAggregate } from "~/modules/insights/aggregate-cache.server";

beforeEach(() => vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00Z") }));
afterEach(() => vi.useRealTimers());

// Only the handle's identity matters to the memo: it never queries.
const handle = () => ({}) as Db;

it("computes once per key for the TTL, then again", async () => {
  const db = handle();
  let runs = 0;
  const load = async () => ++runs;
  expect(await Promise.all([memoAggregate(db, "a", load), memoAggregate(db, "a", load)])).toEqual([1, 1]);
  vi.advanceTimersByTime(AGGREGATE_TTL_MS - 1);
  expect(await memoAggregate(db, "a", load)).toBe(1);
  expect(await memoAggregate(db, "b", load)).toBe(2);
  vi.advanceTimersByTime(1);
  expect(await memoAggregate(db, "a", load)).toBe(3);
});

it("keeps apart the figures of two databases", async () => {
  const [one, two] = [handle(), handle()];
  expect(await memoAggregate(one, "k", async () => "one")).toBe("one");
  expect(await memoAggregate(two, "k", async () => "two")).toBe("two");
  expect(await memoAggregate(one, "k", async () => "again")).toBe("one");
});

it("does not keep a failure: the next caller computes afresh", async () => {
  const db = handle();
  await expect(memoAggregate(db, "k", async () => Promise.reject(new Error("statement timeout")))).rejects.toThrow("statement timeout");
  expect(await memoAggregate(db, "k", async () => 42)).toBe(42);
});
