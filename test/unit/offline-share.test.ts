// Buyer shares made offline: the token is made on the device (same strength as the server's), the outbox
// sends the share once with its client id as Idempotency-Key, and a refusal is kept with a clear message.
import "fake-indexeddb/auto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openOfflineDb, type OfflineDb, type ShareBody } from "~/offline/db";
import { enqueue, flushOutbox, listOutbox, shareEntry, shareToken } from "~/offline/outbox";
import { freshDbName } from "./offline-fakes";

const USER = "11111111-1111-4111-8111-111111111111";
const ITEM = "22222222-2222-4222-8222-222222222222";

let db: OfflineDb;
beforeEach(async () => {
  db = await openOfflineDb(freshDbName());
});
afterEach(() => db.close());

it("makes 256-bit base64url tokens, different every time", () => {
  const tokens = new Set(Array.from({ length: 200 }, shareToken));
  expect(tokens.size).toBe(200);
  for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
});

it("sends a share made offline once, keyed by its client id, with the device's token", async () => {
  const calls: { url: string; key: string | null; body: ShareBody }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, key: new Headers(init.headers).get("Idempotency-Key"), body: JSON.parse(String(init.body)) });
    return new Response(JSON.stringify({ share: {} }), { status: calls.length === 1 ? 201 : 200 });
  }) as unknown as typeof fetch;
  const entry = shareEntry(USER, { itemIds: [ITEM], recipientName: " Dana ", allowDownload: true, at: new Date("2026-12-01T10:00:00Z") });
  expect(await enqueue(db, entry)).toBe(true);
  expect(await enqueue(db, entry)).toBe(false);
  const result = await flushOutbox(db, { userId: USER, fetch: fetchFn });
  expect(result).toMatchObject({ sent: 1, remaining: 0 });
  expect(calls).toHaveLength(1);
  expect(calls[0].url).toBe("/api/v1/shares");
  expect(calls[0].key).toBe(entry.id);
  expect(calls[0].body).toEqual({
    id: entry.id,
    token: entry.body.token,
    itemIds: [ITEM],
    recipientName: "Dana",
    expiresAt: "2026-12-31T10:00:00.000Z",
    allowDownload: true,
    requireEmail: false,
  });
});

it("keeps a share the server refused, saying which link did not go live", async () => {
  const fetchFn = (async () =>
    new Response(
      JSON.stringify({ error: { code: "forbidden", message: '"X" is for internal use only and cannot be shared with buyers.' } }),
      { status: 403 },
    )) as unknown as typeof fetch;
  await enqueue(db, shareEntry(USER, { itemIds: [ITEM] }));
  const result = await flushOutbox(db, { userId: USER, fetch: fetchFn });
  expect(result).toMatchObject({ sent: 0, refused: 1, remaining: 0 });
  const [kept] = await listOutbox(db, USER);
  expect(kept.failed).toBe(true);
  expect(kept.lastError).toBe('A share link made offline was not created: "X" is for internal use only and cannot be shared with buyers.');
});

it("retries a share after a network error instead of dropping it", async () => {
  const fetchFn = (async () => {
    throw new TypeError("Failed to fetch");
  }) as unknown as typeof fetch;
  await enqueue(db, shareEntry(USER, { itemIds: [ITEM] }));
  const result = await flushOutbox(db, { userId: USER, fetch: fetchFn });
  expect(result.stopped).toBe("offline");
  const [kept] = await listOutbox(db, USER);
  expect(kept.failed).toBeFalsy();
  expect(kept.attempts).toBe(1);
});
