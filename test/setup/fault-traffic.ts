// Helpers shared by the fault tests: a background stream of real requests whose every outcome is kept,
// polling with a deadline (never a fixed sleep), and event batches as a phone would send them.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { BUILD_PATH } from "@/server/build";

/** Fault tests start `server/start.ts --no-build`: the e2e global setup builds first (it needs Chromium). */
export function buildMissing(): string | null {
  return existsSync(BUILD_PATH) ? null : `no production build at ${BUILD_PATH} (the e2e setup builds it when Chromium is installed)`;
}

/**
 * A request that has not answered in this long is reported as a hang. It is a failure detector, not a
 * speed check: every answer the tests expect (including a 503) comes back in milliseconds.
 */
export const HANG_MS = 10_000;

export type Outcome = { label: string; status: number | "hang" | "network"; at: number; detail?: string };

export async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function attempt(label: string, url: string, init: RequestInit = {}): Promise<Outcome & { body: string; headers?: Headers }> {
  const at = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(HANG_MS) });
    const body = await res.text();
    return { label, status: res.status, at, body, headers: res.headers };
  } catch (error) {
    const name = (error as Error).name;
    return { label, status: name === "TimeoutError" ? "hang" : "network", at, body: "", detail: String((error as Error).cause ?? error) };
  }
}

/** Runs `requests` round-robin on `workers` loops until stopped; returns every outcome. */
export function traffic(requests: (() => Promise<Outcome>)[], workers = 3) {
  const outcomes: Outcome[] = [];
  let running = true;
  let i = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) outcomes.push(await requests[i++ % requests.length]());
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

export type EventRow = { id: string; type: "view" | "dwell"; itemId: string; at: string; props?: Record<string, unknown> };

/** A batch of distinct events on one item, as the offline outbox sends them (ids fixed, so a retry is a duplicate). */
export function eventBatch(itemId: string, size: number, at = new Date()): EventRow[] {
  return Array.from({ length: size }, (_, n) =>
    n % 3 === 0
      ? { id: randomUUID(), type: "dwell", itemId, at: at.toISOString(), props: { ms: 1000 + n } }
      : { id: randomUUID(), type: "view", itemId, at: at.toISOString() },
  );
}

export function postEvents(baseURL: string, cookie: string, batch: EventRow[]) {
  return attempt("events", `${baseURL}/api/v1/events`, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: JSON.stringify(batch),
  });
}
