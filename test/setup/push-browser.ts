// Web Push from a browser page's side, for the push browser tests: Debian's Chromium has no push service,
// so a subscription is a stand-in endpoint with real keys (P-256, auth secret), handed to the real server
// as Me hands a browser's own.
import { createECDH, randomBytes, randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { Page } from "./browser";

export const PUSH_SUBSCRIPTIONS_API = "/api/v1/me/push-subscriptions";

/** A browser subscription's keys, as PushSubscription.toJSON() gives them. */
export function browserKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") };
}

/** A push endpoint of its own for `device`, at a host that never resolves. */
export const endpointFor = (device: string) => `https://push.example.test/${device}/${randomUUID()}`;

/** Hands `endpoint` to the server for whoever is signed in on `page`, as Me does. */
export async function subscribe(page: Page, endpoint: string) {
  const status = await page.evaluate(
    async ({ api, json }) =>
      (await fetch(api, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(json) })).status,
    { api: PUSH_SUBSCRIPTIONS_API, json: { endpoint, keys: browserKeys() } },
  );
  expect(status).toBe(201);
}
