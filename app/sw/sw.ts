// Fieldkit's service worker. Bundled by esbuild into an IIFE and given its precache manifest by workbox-build
// (app/sw/build.ts), served as /sw.js. The routing rules live in app/offline/routing.ts (unit-tested);
// this file only carries them out.
import { cacheNames, clientsClaim, setCacheNameDetails } from "workbox-core";
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute } from "workbox-precaching";
import { registerRoute } from "workbox-routing";
import { expiredOn } from "~/offline/catalog-views";
import { forgetSignedOutUser } from "~/offline/cleanup";
import { openOfflineDb } from "~/offline/db";
import { formatDate } from "@/vocabulary/dates";
import { registerPushHandlers, withPushEndpoint, type PushScope } from "./push";
import { flushOutbox } from "~/offline/outbox";
import {
  PAGE_COPY_MESSAGE,
  PAGE_COPY_QUERY,
  copiedAt,
  isRouteDiscovery,
  noticeKey,
  noticesFor,
  pageOfUrl,
  rememberNotice,
  type PageCopyNotice,
} from "~/offline/page-copies";
import {
  CACHE_NAMES,
  CACHE_PREFIX,
  CACHE_VERSION,
  NAVIGATION_TIMEOUT_MS,
  asDownload,
  byteRange,
  OFFLINE_PAGE,
  cacheKey,
  isCacheable,
  isSignOut,
  itemOfFile,
  offlineSubstitute,
  savedAssetLookup,
  shellStoreOrder,
  strategyFor,
  wantsFreshCopy,
  type Strategy,
} from "~/offline/routing";

// Minimal worker-scope types: the repository compiles against the DOM library, not WebWorker.
type ExtendableEvent = Event & { waitUntil(p: Promise<unknown>): void };
type FetchEvent = ExtendableEvent & { request: Request; clientId: string; resultingClientId: string };
type SyncEvent = ExtendableEvent & { tag: string };
type WindowClient = { id: string; postMessage(message: unknown): void };
type MessageEvent = ExtendableEvent & { data: unknown; source: WindowClient | null };
declare const self: {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>;
  location: Location;
  clients: { get(id: string): Promise<WindowClient | undefined> };
  registration: { pushManager: Pick<PushManager, "getSubscription"> };
  skipWaiting(): Promise<void>;
  addEventListener(type: "install" | "activate", fn: (e: ExtendableEvent) => void): void;
  addEventListener(type: "sync", fn: (e: SyncEvent) => void): void;
  addEventListener(type: "message", fn: (e: MessageEvent) => void): void;
};

export const OUTBOX_SYNC_TAG = "fieldkit-outbox";

setCacheNameDetails({ prefix: "fieldkit", suffix: CACHE_VERSION, precache: "precache" });
// App shell: fingerprinted build files, icons and the offline page. Build files carry their hash in the name,
// so they are fetched only when a new version ships.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
clientsClaim();

self.addEventListener("activate", (event) => {
  const keep = new Set<string>([...Object.values(CACHE_NAMES), cacheNames.precache]);
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && !keep.has(name)) await caches.delete(name);
      }
    })(),
  );
  // NOTE: not part of activation: fetch events wait for an activating worker, so on bad signal every
  // page would wait for this flush's requests to give up (test/e2e/service-worker-activation.test.ts).
  void flushFromWorker();
});

// workbox-window's `messageSkipWaiting()` sends this when the seller accepts "Update available — reload".
self.addEventListener("message", (event) => {
  const type = (event.data as { type?: string } | null)?.type;
  if (type === "SKIP_WAITING") void self.skipWaiting();
  if (type === "FLUSH_OUTBOX") event.waitUntil(flushFromWorker());
  if (type === "CACHE_SHELL") event.waitUntil(cacheShell((event.data as { manifestVersion?: string }).manifestVersion));
  if (type === PAGE_COPY_QUERY && event.source) {
    for (const notice of noticesFor(notices, event.source.id)) event.source.postMessage(notice);
  }
});

/**
 * Changes when a sign-out starts and again when it ends: a page answered across one (asked for with the
 * signed-out seller's cookie) is not stored, or its late arrival re-created the pages cache just emptied.
 */
let signOutEpoch = 0;

// The four tabs are stored when the worker installs (a seller already signed in) and again whenever a
// signed-in page asks (app start, with the build's route-discovery version).
self.addEventListener("install", (event) => event.waitUntil(cacheShell()));

/**
 * NOTE: a few at a time. All at once, their nine requests (a browser opens six connections to a server)
 * came right after sign-in, when the seller taps first: the tap waited behind them, and past 3 s it got an
 * old copy. One at a time, a seller going offline a few seconds after sign-in (as a browser test did)
 * found Saved not stored yet.
 */
const SHELL_REQUESTS_AT_ONCE = 2;
/**
 * A tab's request with no answer by then is given up, and the copy from last time stays. Without a limit, one
 * request stalled on bad signal held the run, every later run, and at install the worker itself, for as long
 * as the browser kept the connection.
 */
const SHELL_REQUEST_TIMEOUT_MS = 20_000;

let shellRunning: Promise<void> = Promise.resolve();
let shellWaiting: { manifestVersion?: string; run: Promise<void> } | undefined;

/**
 * Stores the four tabs once the run in progress, if any, has ended; a request while one waits joins it (a
 * sign-in asks twice, a new build's pages each once). One run at a time: see SHELL_REQUESTS_AT_ONCE.
 */
function cacheShell(manifestVersion?: string): Promise<void> {
  if (shellWaiting) {
    shellWaiting.manifestVersion = manifestVersion ?? shellWaiting.manifestVersion;
    return shellWaiting.run;
  }
  const waiting: { manifestVersion?: string; run: Promise<void> } = { manifestVersion, run: Promise.resolve() };
  waiting.run = shellRunning.then(() => {
    shellWaiting = undefined;
    return storeShell(waiting.manifestVersion);
  });
  shellWaiting = waiting;
  shellRunning = waiting.run.catch(() => undefined);
  return waiting.run;
}

/** Stores the seller tabs' pages, their data and route discovery. Signed out, the pages redirect: nothing is kept. */
async function storeShell(manifestVersion?: string): Promise<void> {
  const epoch = signOutEpoch;
  const store = await caches.open(CACHE_NAMES.pages);
  const keep = async (url: string, key = url) => {
    try {
      const res = await fetch(url, {
        credentials: "same-origin",
        headers: url.endsWith(".data") ? {} : { Accept: "text/html" },
        // Also ends a body that stops arriving: the put below then fails, and nothing half-read is stored.
        signal: AbortSignal.timeout(SHELL_REQUEST_TIMEOUT_MS),
      });
      if (isCacheable(res) && epoch === signOutEpoch) await store.put(cacheKey(new URL(key, origin).toString()), res);
    } catch {
      // Offline, the server is down or the request timed out: the copies from last time stay.
    }
  };
  const queue = shellStoreOrder(manifestVersion);
  const next = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) await keep(job.url, job.key);
  };
  await Promise.all(Array.from({ length: SHELL_REQUESTS_AT_ONCE }, next));
}

self.addEventListener("sync", (event) => {
  if (event.tag === OUTBOX_SYNC_TAG) event.waitUntil(flushFromWorker(true));
});

const origin = self.location.origin;
const is =
  (strategy: Strategy) =>
  ({ request }: { request: Request }) =>
    strategyFor({ url: request.url, method: request.method, mode: request.mode, destination: request.destination }, origin) === strategy;

registerRoute(is("page"), ({ request, event }) => networkFirst(request, event as FetchEvent, "page"));
registerRoute(is("page-data"), ({ request, event }) => networkFirst(request, event as FetchEvent, "data"));
registerRoute(is("saved-asset"), ({ request }) => savedFirst(request));
registerRoute(
  ({ request }) => isSignOut({ url: request.url, method: request.method }, origin),
  ({ request }) => signOut(request),
  "POST",
);

/**
 * Sign-out, however it is sent (a plain form POST or Remix's fetch): once the server has answered, the
 * signed-out seller's pages, saved files and catalog leave the device before the answer reaches the page,
 * so the sign-in page that follows, and any later offline start, find nothing of theirs. The outbox stays.
 * This browser's push subscription goes too, on the server (sent with the sign-out) and here: kept, the
 * seller's notifications went on showing on the lock screen of a shared tablet.
 */
async function signOut(request: Request): Promise<Response> {
  signOutEpoch++;
  try {
    return await signOutNow(request);
  } finally {
    signOutEpoch++;
  }
}

async function signOutNow(request: Request): Promise<Response> {
  const subscription = await self.registration.pushManager.getSubscription().catch(() => null);
  const res = await fetch(subscription ? await withPushEndpoint(request, subscription.endpoint) : request);
  // A plain form's redirect reaches the worker as an opaque redirect (status 0).
  if (res.type === "opaqueredirect" || (res.status >= 200 && res.status < 400)) {
    // Also when the server could not tell whose it was: the push service then answers the next push with
    // 410, and the server forgets the subscription itself.
    await subscription?.unsubscribe().catch(() => false);
    try {
      const db = await openOfflineDb();
      try {
        await forgetSignedOutUser(db, caches);
      } finally {
        db.close();
      }
    } catch {
      // The sign-out itself went through; the next sign-in's sync still wipes another person's data.
    }
  }
  return res;
}

/** Network with a short timeout; a copy from the saved or pages cache when the network fails or is slow. */
async function networkFirst(request: Request, event: FetchEvent, kind: "page" | "data"): Promise<Response> {
  const full = cacheKey(request.url);
  // A data request naming a subset of routes (`_routes`) is stored under its own URL; only a complete one
  // is stored under the shared key, because a complete copy can answer any subset but not the reverse.
  const exact = new URL(request.url).searchParams.has("_routes") ? request.url.split("#")[0] : full;
  const epoch = signOutEpoch;
  const network = fetch(request).then(async (res) => {
    if (isCacheable(res) && epoch === signOutEpoch) {
      const saved = await caches.open(CACHE_NAMES.saved);
      // A saved page stays in the saved cache (which never expires), refreshed whenever seen online.
      const target = (await saved.match(full)) ? saved : await caches.open(CACHE_NAMES.pages);
      // NOTE: checked again after the awaits: opening a cache a sign-out just deleted creates it afresh.
      if (epoch === signOutEpoch) await target.put(exact, res.clone());
    }
    return res;
  });
  event.waitUntil(network.catch(() => undefined));
  // Saving an item for offline asks for the current data, never a copy (see wantsFreshCopy).
  if (wantsFreshCopy(request)) return network;
  // A page asked for with a query the device never saw (e.g. /saved?q=…) falls back to the same page without
  // it: client-rendered pages (offline search) read the query themselves, others at least open.
  const bare = kind === "page" ? cacheKey(new URL(request.url).origin + new URL(request.url).pathname) : full;
  const fromCache = async () => {
    for (const cacheName of [CACHE_NAMES.saved, CACHE_NAMES.pages]) {
      for (const key of new Set([exact, full, bare])) {
        const hit = await caches.match(key, { cacheName });
        if (hit) return hit;
      }
    }
    return undefined;
  };

  // The page this answer is for: a document's is the one it is about to become. None for route discovery
  // (tellPage says nothing without one).
  const clientId = kind === "page" ? event.resultingClientId : isRouteDiscovery(request.url) ? "" : event.clientId;
  const path = pageOfUrl(request.url);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<"slow">((resolve) => (timer = setTimeout(() => resolve("slow"), NAVIGATION_TIMEOUT_MS)));
  try {
    const first = await Promise.race([network, slow]);
    if (first !== "slow") {
      const earlier = notices.get(noticeKey(clientId, path));
      if (earlier && isCacheable(first)) void tellPage(clientId, { ...earlier, state: "current" }).catch(() => undefined);
      return first;
    }
    const cached = await fromCache();
    if (!cached) return await network;
    const notice: PageCopyNotice = { type: PAGE_COPY_MESSAGE, path, kind, state: "copy", copiedAt: copiedAt(cached.headers) };
    const told = tellPage(clientId, notice).catch(() => undefined);
    const newer = network.then(async (res) => {
      await told;
      // Stored by now (the network's answer is stored before it resolves), so "Show it" finds it even if
      // the network is slow again.
      if (isCacheable(res) && epoch === signOutEpoch) await tellPage(clientId, { ...notice, state: "newer" });
    });
    event.waitUntil(newer.catch(() => undefined));
    return cached;
  } catch {
    const cached = await fromCache();
    if (cached) return cached;
    const substitute = offlineSubstitute(request.url);
    if (substitute && "redirect" in substitute) return Response.redirect(substitute.redirect, 302);
    const standIn = substitute && (await caches.match(substitute.cacheKey, { cacheName: CACHE_NAMES.pages }));
    if (standIn) return standIn;
    if (kind === "page") return (await matchPrecache(OFFLINE_PAGE)) ?? Response.error();
    return new Response(
      JSON.stringify({ error: { code: "offline", message: "You are offline and this page is not saved on the device." } }),
      {
        status: 503,
        headers: { "Content-Type": "application/json" },
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** The last notice for each page (client) and address, for a page that asks once its scripts run (PAGE_COPY_QUERY). */
const notices = new Map<string, PageCopyNotice>();

/** Tells a page it shows the device's copy, that a newer one has arrived, or that it is current again. */
async function tellPage(clientId: string, notice: PageCopyNotice): Promise<void> {
  if (!clientId) return;
  rememberNotice(notices, noticeKey(clientId, notice.path), notice);
  (await self.clients.get(clientId))?.postMessage(notice);
}

/** Files and previews: the saved copy when there is one (no network needed), otherwise the network, uncached. */
async function savedFirst(request: Request): Promise<Response> {
  // Saving or refreshing an item: the saved copy may be the old version's file under the same URL.
  if (wantsFreshCopy(request)) return fetch(request);
  const { key, download } = savedAssetLookup(request.url);
  const saved = await caches.match(key, { cacheName: CACHE_NAMES.saved });
  if (!saved) return fetch(request);
  const hit = download
    ? new Response(saved.body, { status: saved.status, statusText: saved.statusText, headers: asDownload(saved.headers) })
    : saved;
  // A saved file whose item has expired on this device's clock, opened by its address (a tab's history, a
  // bookmark): the server decides when it can be asked; offline, the device says why it does not open it.
  const expired = await fileExpiredOnDevice(request.url);
  if (!expired) return byteRange(request.headers.get("range"), hit);
  return fetch(request).catch(
    () =>
      new Response(`Expired on ${formatDate(expired)} — not for use with buyers.`, {
        status: 410,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      }),
  );
}

/** When the URL is an item's file and the catalog on the device holds the item as expired: the date it expired. */
async function fileExpiredOnDevice(url: string): Promise<string | null> {
  const itemId = itemOfFile(url);
  if (!itemId) return null;
  try {
    const db = await openOfflineDb();
    try {
      return expiredOn((await db.get("catalog", itemId))?.expiresAt);
    } finally {
      db.close();
    }
  } catch {
    // No usable store: the saved copy, as before the catalog knew of expiry.
    return null;
  }
}

/**
 * Sends the outbox from the worker: on Background Sync (Chromium), on activation and whenever the worker
 * starts. iOS has no Background Sync, so the pages also flush on start and on `online`.
 */
async function flushFromWorker(rethrow = false): Promise<void> {
  try {
    const me = await fetch("/api/v1/me", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!me.ok) return;
    const { user } = (await me.json()) as { user: { id: string } };
    const db = await openOfflineDb();
    try {
      const result = await flushOutbox(db, { userId: user.id });
      // Throwing tells the browser the sync failed, so it schedules another attempt.
      if (rethrow && (result.stopped === "offline" || result.stopped === "server")) throw new Error("Outbox not fully sent");
    } finally {
      db.close();
    }
  } catch (error) {
    if (rethrow) throw error;
  }
}

// Web Push: show the notification, focus or open its page on a click (app/sw/push.ts).
registerPushHandlers(self as unknown as PushScope);

// Worker start-up (also after the browser killed an idle worker): try to send what is waiting.
void flushFromWorker();
