import { describe, expect, it } from "vitest";
import { ConcurrencyGate } from "~/modules/usage/concurrency.server";
import { EventInput, parseBatch } from "~/modules/usage/event-input.server";
import { EventRateLimiter } from "~/modules/usage/rate-limit.server";

const id = "3f1c0e0a-7a51-4a4e-9d7e-1c2b3a4d5e6f";
const itemId = "0b6f4d2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

describe("EventInput", () => {
  it("accepts each event type with its props", () => {
    for (const e of [
      { type: "view", props: { source: "home" } },
      { type: "dwell", props: { ms: 1200 } },
      { type: "share", props: { channel: "email" } },
      { type: "download" },
      { type: "search_click", props: { query: "atlas", position: 0 } },
    ]) {
      expect(EventInput.safeParse({ id, itemId, at: "2025-03-01T10:00:00Z", ...e }).success).toBe(true);
    }
  });

  it("requires dwell time in milliseconds, at most four hours", () => {
    expect(EventInput.safeParse({ id, itemId, type: "dwell", at: "2025-03-01T10:00:00Z" }).success).toBe(false);
    expect(EventInput.safeParse({ id, itemId, type: "dwell", at: "2025-03-01T10:00:00Z", props: { ms: 5 * 3600_000 } }).success).toBe(
      false,
    );
  });

  it("refuses props over 2 kB", () => {
    const r = EventInput.safeParse({ id, itemId, type: "view", at: "2025-03-01T10:00:00Z", props: { source: "x".repeat(41) } });
    expect(r.success).toBe(false);
  });
});

describe("parseBatch", () => {
  it("accepts a bare array or {events}", () => {
    expect(parseBatch([1, 2])).toEqual([1, 2]);
    expect(parseBatch({ events: [1] })).toEqual([1]);
  });

  it("refuses other shapes with 400 and more than 500 events with 413", () => {
    expect(() => parseBatch({ type: "view" })).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => parseBatch(new Array(501).fill(0))).toThrow(expect.objectContaining({ status: 413 }));
  });
});

describe("EventRateLimiter", () => {
  it("allows a burst up to capacity, refuses the next, and refills with time", () => {
    const limiter = new EventRateLimiter({ capacity: 1000, refillPerSecond: 100 });
    expect(limiter.take("u", 1000, 0).ok).toBe(true);
    expect(limiter.take("u", 1, 0)).toEqual({ ok: false, retryAfterS: 1 });
    expect(limiter.take("u", 500, 5_000).ok).toBe(true);
  });

  it("keeps separate buckets per user", () => {
    const limiter = new EventRateLimiter({ capacity: 10, refillPerSecond: 1 });
    expect(limiter.take("a", 10, 0).ok).toBe(true);
    expect(limiter.take("b", 10, 0).ok).toBe(true);
  });
});

describe("ConcurrencyGate", () => {
  const deferred = () => {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    return { promise, resolve, reject };
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it("runs at most `limit` tasks at once and starts the others in arrival order", async () => {
    const gate = new ConcurrencyGate(2);
    const tasks = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const done = tasks.map((t, i) => gate.run(async () => (started.push(i), t.promise)));
    await tick();
    expect(started).toEqual([0, 1]);
    tasks[1].resolve();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    tasks[0].resolve();
    tasks[2].resolve();
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    tasks[3].resolve();
    tasks[4].resolve();
    await Promise.all(done);
  });

  it("frees the slot of a task that fails, and passes its error on", async () => {
    const gate = new ConcurrencyGate(1);
    const failing = deferred();
    const first = gate.run(() => failing.promise);
    let secondRan = false;
    const second = gate.run(async () => {
      secondRan = true;
      return "ok";
    });
    failing.reject(new Error("boom"));
    await expect(first).rejects.toThrow("boom");
    await expect(second).resolves.toBe("ok");
    expect(secondRan).toBe(true);
    // The slot is free again: a third task starts at once.
    let thirdStarted = false;
    const third = gate.run(async () => void (thirdStarted = true));
    await tick();
    expect(thirdStarted).toBe(true);
    await third;
  });
});
