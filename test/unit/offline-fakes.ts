// Test doubles for the offline modules: a fake Fieldkit API that follows CONTRACT.md's idempotency rules
// (events by id, ratings latest-`at`-wins, requests by id) and records every call, and an in-memory Cache.
import type { CacheLike } from "~/offline/cleanup";

export type Call = { method: string; path: string; body: any; headers: Headers };
type Failure = "ok" | "network" | "lost-ack" | number;

export function fakeApi() {
  const calls: Call[] = [];
  const events = new Map<string, any>();
  const ratings = new Map<string, any>();
  const requests = new Map<string, any>();
  const failures: Failure[] = [];
  let rejectIndexes: number[] = [];

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://app.test");
    const call: Call = {
      method: init.method ?? "GET",
      path: url.pathname + url.search,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      headers: new Headers(init.headers),
    };
    calls.push(call);
    const failure = failures.shift();
    if (failure === "network") throw new TypeError("Failed to fetch");
    if (typeof failure === "number") return json(failure, { error: { code: "x", message: `Server said ${failure}` } });
    let res: Response;
    if (call.path === "/api/v1/events" && call.method === "POST") {
      let accepted = 0;
      let duplicates = 0;
      const rejected: { index: number; code: string; message: string }[] = [];
      call.body.forEach((e: any, index: number) => {
        if (rejectIndexes.includes(index)) rejected.push({ index, code: "unknown_item", message: "No such item." });
        else if (events.has(e.id)) duplicates++;
        else {
          events.set(e.id, e);
          accepted++;
        }
      });
      rejectIndexes = [];
      res = json(200, { accepted, duplicates, rejected });
    } else if (/^\/api\/v1\/items\/[^/]+\/rating$/.test(call.path) && call.method === "PUT") {
      const itemId = call.path.split("/")[4];
      const current = ratings.get(itemId);
      if (!current || Date.parse(call.body.at) >= Date.parse(current.at)) ratings.set(itemId, call.body);
      res = json(200, { rating: ratings.get(itemId) });
    } else if (call.path === "/api/v1/requests" && call.method === "POST") {
      const key = call.headers.get("Idempotency-Key") ?? call.body.id;
      if (!requests.has(key)) requests.set(key, call.body);
      res = json(201, { request: requests.get(key) });
    } else {
      res = json(404, { error: { code: "not_found", message: "No such endpoint" } });
    }
    // The server did the work but the answer never reached the device (page closed, connection dropped).
    if (failure === "lost-ack") throw new TypeError("Failed to fetch");
    return res;
  }) as typeof globalThis.fetch;

  return {
    fetch,
    calls,
    events,
    ratings,
    requests,
    /** The next calls fail like this, in order. */
    fail: (...f: Failure[]) => failures.push(...f),
    rejectNextEventIndexes: (idx: number[]) => (rejectIndexes = idx),
  };
}

export function memoryCache(): CacheLike & { store: Map<string, Response> } {
  const store = new Map<string, Response>();
  return {
    store,
    match: async (url) => store.get(url)?.clone(),
    put: async (url, res) => void store.set(url, res),
    delete: async (url) => store.delete(url),
    keys: async () => [...store.keys()].map((url) => new Request(url)),
  };
}

let n = 0;
export const freshDbName = () => `fieldkit-test-${process.pid}-${++n}`;
