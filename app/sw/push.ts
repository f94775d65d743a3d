// Web Push in the service worker: show what the server sent, on a click focus a Fieldkit window
// (navigating it to the notification's page) or open one, and hand the server a subscription the browser
// replaced. Kept apart from sw.ts so the caching code and this block change independently.
import { keyBytes, sendSubscription, serverKey, type Fetch } from "~/offline/push-subscription";
import { PUSH_ENDPOINT_FIELD } from "~/offline/routing";

type ExtendableEvent = Event & { waitUntil(p: Promise<unknown>): void };
type PushEvent = ExtendableEvent & { data: { json(): unknown; text(): string } | null };
type NotificationEvent = ExtendableEvent & { notification: Notification & { data?: unknown } };
type WindowClient = { url: string; focus(): Promise<WindowClient>; navigate(url: string): Promise<WindowClient | null> };
/** Absent from the DOM library; Firefox and Safari fire it, with the old subscription and often without a new one. */
export type PushSubscriptionChangeEvent = ExtendableEvent & {
  oldSubscription?: PushSubscription | null;
  newSubscription?: PushSubscription | null;
};

export type PushScope = {
  location: Location;
  registration: {
    showNotification(title: string, options: NotificationOptions & { data?: unknown }): Promise<void>;
    pushManager: Pick<PushManager, "getSubscription" | "subscribe">;
  };
  fetch: Fetch;
  clients: {
    matchAll(o: { type: "window"; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
  };
  addEventListener(type: "push", fn: (e: PushEvent) => void): void;
  addEventListener(type: "notificationclick", fn: (e: NotificationEvent) => void): void;
  addEventListener(type: "pushsubscriptionchange", fn: (e: PushSubscriptionChangeEvent) => void): void;
};

export type PushMessage = { title: string; body: string; url: string; tag?: string };

/** The payload as the server sends it (push.server.ts); anything unreadable still shows something. */
export function readPushMessage(data: PushEvent["data"], origin: string): PushMessage {
  let raw: Partial<PushMessage>;
  try {
    raw = (data?.json() ?? {}) as Partial<PushMessage>;
  } catch {
    raw = { body: data?.text() ?? "" };
  }
  // Only our own pages: a payload naming another origin opens the notifications list instead.
  const url =
    typeof raw.url === "string" && new URL(raw.url, origin).origin === origin ? new URL(raw.url, origin).href : `${origin}/notifications`;
  return {
    title: typeof raw.title === "string" && raw.title ? raw.title : "Fieldkit",
    body: typeof raw.body === "string" ? raw.body : "",
    url,
    tag: typeof raw.tag === "string" ? raw.tag : undefined,
  };
}

export function registerPushHandlers(scope: PushScope) {
  const origin = scope.location.origin;
  scope.addEventListener("push", (event) => {
    const message = readPushMessage(event.data, origin);
    event.waitUntil(
      scope.registration.showNotification(message.title, {
        body: message.body,
        tag: message.tag,
        icon: "/icons/icon-192.png",
        data: { url: message.url },
      }),
    );
  });
  scope.addEventListener("notificationclick", (event) => {
    event.notification.close();
    const url = (event.notification.data as { url?: string } | undefined)?.url ?? `${origin}/notifications`;
    event.waitUntil(
      (async () => {
        const windows = await scope.clients.matchAll({ type: "window", includeUncontrolled: true });
        const mine = windows.find((w) => new URL(w.url).origin === origin);
        if (mine) {
          const focused = await mine.focus();
          await focused.navigate(url).catch(() => null);
          return;
        }
        await scope.clients.openWindow(url);
      })(),
    );
  });
  scope.addEventListener("pushsubscriptionchange", (event) => {
    event.waitUntil(renewSubscription(scope, event).catch(() => "failed"));
  });
}

/**
 * The browser replaced or dropped this device's subscription (Firefox and Safari do, e.g. on expiry): the
 * server's copy is a dead address, and the seller would stop getting pushes without a word. Subscribes again
 * with the server's key (the old subscription's when the server cannot be asked), hands the new one to the
 * server and has it forget the old, with no page open. Nobody signed in (401): nothing.
 */
async function renewSubscription(
  scope: Pick<PushScope, "registration" | "fetch">,
  event: Pick<PushSubscriptionChangeEvent, "oldSubscription" | "newSubscription">,
): Promise<"renewed" | "signed-out" | "failed"> {
  const fetcher: Fetch = (input, init) => scope.fetch(input, init);
  const server = await serverKey(fetcher);
  if (server.signedOut) return "signed-out";
  // NOTE: the server's key first: a subscription under a key it no longer signs with takes no push.
  const key = server.publicKey ? keyBytes(server.publicKey) : (event.oldSubscription?.options.applicationServerKey ?? null);
  if (!key) return "failed";
  const fresh =
    event.newSubscription ?? (await scope.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
  const sent = await sendSubscription("POST", fresh.toJSON(), fetcher);
  if (sent.status === 401) return "signed-out";
  if (!sent.ok) return "failed";
  const old = event.oldSubscription?.endpoint;
  if (old && old !== fresh.endpoint) await sendSubscription("DELETE", { endpoint: old }, fetcher).catch(() => undefined);
  return "renewed";
}

/**
 * The sign-out POST with this browser's push endpoint added, so the server forgets this browser with the
 * session. A body that is not a form (nothing Fieldkit sends) goes as it was.
 */
export async function withPushEndpoint(request: Request, endpoint: string): Promise<Request> {
  const type = request.headers.get("content-type") ?? "";
  let form: FormData;
  try {
    // A form without fields may come without a type: it has nothing to keep.
    form = type ? await request.clone().formData() : new FormData();
  } catch {
    return request;
  }
  const body = new URLSearchParams();
  for (const [name, value] of form) if (typeof value === "string" && name !== PUSH_ENDPOINT_FIELD) body.append(name, value);
  body.append(PUSH_ENDPOINT_FIELD, endpoint);
  const headers = new Headers(request.headers);
  headers.set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8");
  return new Request(request, { body, headers });
}
