// Per-user token bucket on usage events (decision 011): generous enough for a phone flushing a week
// offline, tight enough that one token cannot flood the table. Also used for buyers' share events.

/** Token bucket per key, counted in events (an empty batch costs one). */
export class EventRateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(readonly settings: { capacity: number; refillPerSecond: number } = { capacity: 5_000, refillPerSecond: 1_000 }) {}

  /** Takes `cost` tokens or returns the seconds to wait. */
  take(key: string, cost: number, now = Date.now()): { ok: true } | { ok: false; retryAfterS: number } {
    const { capacity, refillPerSecond } = this.settings;
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * refillPerSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 50_000) this.prune(now);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.ceil((Math.min(cost, capacity) - b.tokens) / refillPerSecond) };
  }

  private prune(now: number) {
    const full = (this.settings.capacity / this.settings.refillPerSecond) * 1000;
    for (const [k, b] of this.buckets) if (now - b.at > full) this.buckets.delete(k);
  }
}
