// The outbox: what a seller did while offline (views, dwell, shares, ratings, comments, requests), kept in
// IndexedDB and sent exactly once. An entry leaves the outbox only after the server acknowledged it; the
// server dedupes by the client UUID, so a page closed between "sent" and "acknowledged" re-sends harmlessly.
import type { EventBody, OfflineDb, OutboxEntry, RatingBody, RequestBody, ShareBody } from "./db";
import { DEVICE_USER_HEADER } from "@/vocabulary/accounts";
import { VISIBILITY_TOLERANCE_MS } from "@/vocabulary/feedback";
import { latestWins } from "./conflict";

export const EVENTS_PER_BATCH = 500;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;

/** RFC 4122 v4. `crypto.randomUUID` only exists in secure contexts; the fallback covers plain-HTTP intranets. */
export function uuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Exponential backoff with "equal jitter": half fixed, half random, so devices do not retry in lockstep. */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

type NewEntry = Omit<OutboxEntry, "seq" | "attempts" | "nextAttemptAt" | "failed" | "lastError">;

export function eventEntry(
  userId: string,
  e: { type: EventBody["type"]; itemId?: string; props?: Record<string, unknown>; at?: Date },
): NewEntry {
  const id = uuid();
  const at = (e.at ?? new Date()).toISOString();
  return {
    id,
    userId,
    kind: "event",
    itemId: e.itemId,
    at,
    body: { id, type: e.type, itemId: e.itemId, at, ...(e.props ? { props: e.props } : {}) },
  };
}

export function ratingEntry(
  userId: string,
  itemId: string,
  r: { useful: boolean; reasons?: string[]; comment?: string; versionId?: string; at?: Date },
): NewEntry {
  const at = (r.at ?? new Date()).toISOString();
  const body: RatingBody = { useful: r.useful, at };
  if (r.reasons?.length) body.reasons = r.reasons;
  if (r.comment?.trim()) body.comment = r.comment.trim();
  if (r.versionId) body.versionId = r.versionId;
  return { id: uuid(), userId, kind: "rating", itemId, at, body };
}

export function requestEntry(userId: string, r: { text: string; query?: string; at?: Date }): NewEntry {
  const id = uuid();
  const body: RequestBody = { id, text: r.text.trim() };
  if (r.query?.trim()) body.query = r.query.trim();
  return { id, userId, kind: "request", at: (r.at ?? new Date()).toISOString(), body };
}

/** 32 random bytes, base64url: the same strength as a token the server makes (decision 021). */
export function shareToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function shareEntry(
  userId: string,
  s: {
    itemIds: string[];
    recipientName?: string;
    recipientEmail?: string;
    note?: string;
    allowDownload?: boolean;
    requireEmail?: boolean;
    days?: number;
    at?: Date;
  },
): NewEntry & { body: ShareBody } {
  const id = uuid();
  const at = s.at ?? new Date();
  const body: ShareBody = {
    id,
    token: shareToken(),
    itemIds: s.itemIds,
    expiresAt: new Date(at.getTime() + (s.days ?? 30) * 86_400_000).toISOString(),
    allowDownload: !!s.allowDownload,
    requireEmail: !!s.requireEmail,
  };
  if (s.recipientName?.trim()) body.recipientName = s.recipientName.trim();
  if (s.recipientEmail?.trim()) body.recipientEmail = s.recipientEmail.trim();
  if (s.note?.trim()) body.note = s.note.trim();
  return { id, userId, kind: "share", itemId: s.itemIds[0], at: at.toISOString(), body };
}

/**
 * Adds an entry; returns false when it was suppressed: the same client id is already queued, (ratings) a
 * later rating of the same item by the same user is already queued, or (usage events) the device's catalog
 * says the item had expired by then. A newer rating replaces an older one still waiting, so only the
 * seller's final answer travels.
 */
export async function enqueue(db: OfflineDb, entry: NewEntry, now = Date.now()): Promise<boolean> {
  if (await afterExpiry(db, entry)) return false;
  const tx = db.transaction("outbox", "readwrite");
  const store = tx.store;
  if (await store.index("byId").getKey(entry.id)) {
    await tx.done;
    return false;
  }
  if (entry.kind === "rating") {
    let cursor = await store.openCursor();
    while (cursor) {
      const queued = cursor.value;
      if (queued.kind === "rating" && !queued.failed && queued.userId === entry.userId && queued.itemId === entry.itemId) {
        if (latestWins(queued, entry) === queued) {
          await tx.done;
          return false;
        }
        await cursor.delete();
      }
      cursor = await cursor.continue();
    }
  }
  await store.add({ ...entry, attempts: 0, nextAttemptAt: now });
  await tx.done;
  return true;
}

/**
 * A usage event on an item that had expired when it happened, by the catalog on the device: the server
 * would refuse it (decision 019) and it would sit among the actions that could not be sent, for an item
 * the seller was only told had expired (an expired item opened offline).
 */
async function afterExpiry(db: OfflineDb, entry: NewEntry): Promise<boolean> {
  if (entry.kind !== "event" || !entry.itemId) return false;
  const expiresAt = (await db.get("catalog", entry.itemId))?.expiresAt;
  return !!expiresAt && Date.parse(entry.at) - VISIBILITY_TOLERANCE_MS >= Date.parse(expiresAt);
}

export async function listOutbox(db: OfflineDb, userId?: string): Promise<OutboxEntry[]> {
  const all = await db.getAll("outbox");
  return userId ? all.filter((e) => e.userId === userId) : all;
}

export async function discardFailed(db: OfflineDb, userId: string): Promise<void> {
  const tx = db.transaction("outbox", "readwrite");
  for (const e of await tx.store.getAll()) if (e.failed && e.userId === userId) await tx.store.delete(e.seq!);
  await tx.done;
}

export type FlushOptions = {
  userId: string;
  fetch?: typeof fetch;
  /** Absolute origin for fetches made outside a page (tests); the browser resolves relative URLs. */
  origin?: string;
  now?: () => number;
  random?: () => number;
  /** Serialises flushes across tabs and the service worker; defaults to Web Locks when present. */
  lock?: <T>(fn: () => Promise<T>) => Promise<T>;
};

export type FlushResult = {
  sent: number;
  refused: number;
  remaining: number;
  /** Why the flush stopped early, if it did. */
  stopped?: "offline" | "server" | "signed-out" | "waiting";
  /** When the next attempt is due (epoch ms), after a retryable failure. */
  retryAt?: number;
};

type Outcome = { kind: "ok"; body: unknown } | { kind: "retry"; message: string } | { kind: "auth" } | { kind: "refused"; message: string };

/**
 * How long a send may take: on a signal that connects but carries nothing, a fetch neither answers nor
 * fails, and it held the outbox's lock (every tab's flush, Background Sync, a request form's "Sending…").
 */
export const SEND_TIMEOUT_MS = 30_000;

async function send(fetchFn: typeof fetch, url: string, init: RequestInit & { userId: string }): Promise<Outcome> {
  let res: Response;
  const { userId, ...rest } = init;
  try {
    res = await fetchFn(url, {
      ...rest,
      credentials: "same-origin",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      headers: { "Content-Type": "application/json", [DEVICE_USER_HEADER]: userId, ...rest.headers },
    });
  } catch (error) {
    return { kind: "retry", message: `Network: ${(error as Error).message}` };
  }
  const body = await res.json().catch(() => null);
  if (res.ok) return { kind: "ok", body };
  const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`;
  if (res.status === 401) return { kind: "auth" };
  if (res.status === 408 || res.status === 429 || res.status >= 500) return { kind: "retry", message };
  return { kind: "refused", message };
}

let chain: Promise<unknown> = Promise.resolve();
function defaultLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks) return locks.request("fieldkit-outbox", fn) as Promise<T>;
  const run = chain.then(fn, fn);
  chain = run.catch(() => {});
  return run;
}

/** Sends due entries in the order they were queued; stops at the first retryable failure. */
export function flushOutbox(db: OfflineDb, options: FlushOptions): Promise<FlushResult> {
  const lock = options.lock ?? defaultLock;
  return lock(() => flushLocked(db, options));
}

async function flushLocked(db: OfflineDb, options: FlushOptions): Promise<FlushResult> {
  const fetchFn = options.fetch ?? fetch.bind(globalThis);
  const now = options.now ?? Date.now;
  const origin = options.origin ?? "";
  const result: FlushResult = { sent: 0, refused: 0, remaining: 0 };
  const queue = (await db.getAll("outbox")).filter((e) => e.userId === options.userId && !e.failed);

  let i = 0;
  while (i < queue.length) {
    const head = queue[i];
    if (head.nextAttemptAt > now()) {
      result.stopped = "waiting";
      result.retryAt = head.nextAttemptAt;
      break;
    }
    let batch: OutboxEntry[];
    let outcome: Outcome;
    if (head.kind === "event") {
      batch = [];
      while (i + batch.length < queue.length && batch.length < EVENTS_PER_BATCH && queue[i + batch.length].kind === "event") {
        batch.push(queue[i + batch.length]);
      }
      outcome = await send(fetchFn, `${origin}/api/v1/events`, {
        method: "POST",
        body: JSON.stringify(batch.map((e) => e.body)),
        userId: options.userId,
      });
    } else if (head.kind === "rating") {
      batch = [head];
      outcome = await send(fetchFn, `${origin}/api/v1/items/${encodeURIComponent(head.itemId ?? "")}/rating`, {
        userId: options.userId,
        method: "PUT",
        body: JSON.stringify(head.body),
      });
    } else if (head.kind === "share") {
      batch = [head];
      outcome = await send(fetchFn, `${origin}/api/v1/shares`, {
        userId: options.userId,
        method: "POST",
        body: JSON.stringify(head.body),
        headers: { "Idempotency-Key": head.id },
      });
      // The seller reads this on the Saved tab: say which link did not go live.
      if (outcome.kind === "refused")
        outcome = { kind: "refused", message: `A share link made offline was not created: ${outcome.message}` };
    } else {
      batch = [head];
      outcome = await send(fetchFn, `${origin}/api/v1/requests`, {
        userId: options.userId,
        method: "POST",
        body: JSON.stringify(head.body),
        headers: { "Idempotency-Key": head.id },
      });
    }

    if (outcome.kind === "ok") {
      const rejected = head.kind === "event" ? rejectedEvents(outcome.body, batch.length) : new Map<number, string>();
      const tx = db.transaction("outbox", "readwrite");
      for (const [n, e] of batch.entries()) {
        const why = rejected.get(n);
        // A refused event stays, marked failed like a refused rating: dropped, a bug or a lost item went unseen.
        if (why === undefined) await tx.store.delete(e.seq!);
        else await updateIfQueued(tx.store, { ...e, failed: true, lastError: why });
      }
      await tx.done;
      result.sent += batch.length - rejected.size;
      result.refused += rejected.size;
      i += batch.length;
    } else if (outcome.kind === "refused") {
      const tx = db.transaction("outbox", "readwrite");
      for (const e of batch) await updateIfQueued(tx.store, { ...e, failed: true, lastError: outcome.message });
      await tx.done;
      result.refused += batch.length;
      i += batch.length;
    } else if (outcome.kind === "auth") {
      // Not the entries' fault: keep them untouched until the seller signs in again.
      result.stopped = "signed-out";
      break;
    } else {
      const attempts = head.attempts + 1;
      const retryAt = now() + backoffDelay(attempts, options.random);
      const tx = db.transaction("outbox", "readwrite");
      for (const e of batch) await updateIfQueued(tx.store, { ...e, attempts, nextAttemptAt: retryAt, lastError: outcome.message });
      await tx.done;
      result.stopped = outcome.message.startsWith("Network:") ? "offline" : "server";
      result.retryAt = retryAt;
      break;
    }
  }
  result.remaining = (await db.getAll("outbox")).filter((e) => e.userId === options.userId && !e.failed).length;
  return result;
}

/**
 * The events of a batch the server accepted but refused one by one (`rejected: [{index, code, message}]`,
 * CONTRACT.md), by their position in the batch, with the server's reason.
 */
export function rejectedEvents(body: unknown, size: number): Map<number, string> {
  const out = new Map<number, string>();
  const rejected = (body as { rejected?: unknown } | null)?.rejected;
  if (!Array.isArray(rejected)) return out;
  for (const r of rejected as { index?: unknown; message?: unknown }[]) {
    if (typeof r?.index !== "number" || !Number.isInteger(r.index) || r.index < 0 || r.index >= size) continue;
    out.set(r.index, typeof r.message === "string" && r.message ? r.message : "Refused by the server.");
  }
  return out;
}

/** A newer rating may have replaced this entry meanwhile: never resurrect a deleted one. */
async function updateIfQueued(
  store: { get(key: number): Promise<OutboxEntry | undefined>; put(value: OutboxEntry): Promise<unknown> },
  e: OutboxEntry,
) {
  if (await store.get(e.seq!)) await store.put(e);
}

/** Clears backoff so the next flush tries at once (the connection just came back). */
export async function resetBackoff(db: OfflineDb, userId: string, now = Date.now()): Promise<void> {
  const tx = db.transaction("outbox", "readwrite");
  for (const e of await tx.store.getAll()) {
    if (e.userId === userId && !e.failed && e.nextAttemptAt > now) await tx.store.put({ ...e, nextAttemptAt: now });
  }
  await tx.done;
}
