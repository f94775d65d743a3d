// Web Push in the service worker: show what the server sent, and on a click focus a Fieldkit window
// (navigating it to the notification's page) or open one. Kept apart from sw.ts so the caching code and
// this block change independently.
import { PUSH_ENDPOINT_FIELD } from "~/offline/routing";

type ExtendableEvent = Event & { waitUntil(p: Promise<unknown>): void };
type PushEvent = ExtendableEvent & { data: { json(): unknown; text(): string } | null };
type NotificationEvent = ExtendableEvent & { notification: Notification & { data?: unknown } };
type WindowClient = { url: string; focus(): Promise<WindowClient>; navigate(url: string): Promise<WindowClient | null> };

export type PushScope = {
  location: Location;
  registration: { showNotification(title: string, options: NotificationOptions & { data?: unknown }): Promise<void> };
  clients: {
    matchAll(o: { type: "window"; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
  };
  addEventListener(type: "push", fn: (e: PushEvent) => void): void;
  addEventListener(type: "notificationclick", fn: (e: NotificationEvent) => void): void;
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
