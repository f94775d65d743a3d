// This browser's Web Push subscription and the server's record of it. Me (push-opt-in.tsx) and the service
// worker (a subscription the browser replaced, app/sw/push.ts) both talk to the server through here, so
// they agree on one rule: push is on for this device only while the server holds its endpoint.

export const PUSH_SUBSCRIPTIONS_API = "/api/v1/me/push-subscriptions";

/** `fetch`, or the worker's own; passed in so the worker's scope and the page share this code. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const pageFetch: Fetch = (input, init) => fetch(input, init);

/** VAPID public key (base64url) as the bytes PushManager wants. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** POST hands the server a subscription (its toJSON()); DELETE `{endpoint}` forgets that one browser. */
export function sendSubscription(method: "POST" | "DELETE", body: unknown, fetcher: Fetch = pageFetch): Promise<Response> {
  return fetcher(PUSH_SUBSCRIPTIONS_API, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/**
 * Whether the server sends the signed-in person's push to `endpoint`: its answer, or null when it could not
 * say (offline, signed out, down). The browser still holding a subscription proves nothing: the server
 * forgets one the push service called gone (404/410), signed out, or moved to another account.
 */
export async function serverHolds(endpoint: string, fetcher: Fetch = pageFetch): Promise<boolean | null> {
  try {
    const res = await fetcher(`${PUSH_SUBSCRIPTIONS_API}?${new URLSearchParams({ endpoint })}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!res.ok) return null;
    const { thisDevice } = (await res.json()) as { thisDevice?: unknown };
    return typeof thisDevice === "boolean" ? thisDevice : null;
  } catch {
    return null;
  }
}

/** The server's VAPID public key (null when it could not be asked), and whether it said no one is signed in. */
export async function serverKey(fetcher: Fetch = pageFetch): Promise<{ signedOut: boolean; publicKey: string | null }> {
  try {
    const res = await fetcher(PUSH_SUBSCRIPTIONS_API, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!res.ok) return { signedOut: res.status === 401, publicKey: null };
    const { publicKey } = (await res.json()) as { publicKey?: unknown };
    return { signedOut: false, publicKey: typeof publicKey === "string" && publicKey ? publicKey : null };
  } catch {
    return { signedOut: false, publicKey: null };
  }
}
