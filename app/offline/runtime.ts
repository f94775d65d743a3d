// The browser side of offline use, for the components: one IndexedDB connection, the sync and flush triggers
// (app start, `online`, Background Sync, a retry timer), and the functions that record seller actions.
// Browser-only: call from effects and event handlers, never during server rendering.
import { shareableOnDevice } from "./catalog-views";
import { forgetIfSignedOut, type CacheLike } from "./cleanup";
import { isOnline, onConnectivity, serverAnswered, serverUnreachable } from "./connectivity";
import { META, openOfflineDb, type OfflineDb } from "./db";
import { enqueue, eventEntry, flushOutbox, ratingEntry, requestEntry, resetBackoff, shareEntry, type FlushResult } from "./outbox";
import { CACHE_NAMES, SHELL_PAGES } from "./routing";
import { markSaveWhenOnline, savePending } from "./pending-saves";
import { refreshStale } from "./saved";
import { syncCatalog, type SyncResult } from "./sync";
import { commitStaged } from "./staging";

export const OUTBOX_SYNC_TAG = "fieldkit-outbox";

/** A share the device refuses to queue, with a message for the seller. */
export class ShareError extends Error {}

let dbPromise: Promise<OfflineDb> | undefined;
let userId: string | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let started = false;
/** A wipe for a session the server says has ended, while it runs (see sessionMayHaveEnded). */
let forgetting: Promise<boolean> | undefined;
/** Whether this user's tabs are kept for offline use (sellers). */
let storeShell = false;

/** Fires "change" when the catalog, saved copies or the outbox changed, so views can re-read them. */
export const offlineEvents = new EventTarget();
const changed = () => offlineEvents.dispatchEvent(new Event("change"));

/** Whose session this page started the offline store for (undefined before hydration). */
export const offlineUserId = () => userId;

export function offlineDb(): Promise<OfflineDb> {
  dbPromise ??= openOfflineDb(undefined, { onClose: () => (dbPromise = undefined) });
  return dbPromise;
}

async function openCache(name: string): Promise<CacheLike | undefined> {
  if (typeof caches === "undefined") return undefined;
  const cache = await caches.open(name);
  return {
    match: (url) => cache.match(url),
    put: (url, res) => cache.put(url, res),
    delete: (url) => cache.delete(url),
    keys: () => cache.keys(),
  };
}

export const savedCache = () => openCache(CACHE_NAMES.saved);

export async function syncNow(): Promise<SyncResult | undefined> {
  if (!userId) return undefined;
  // NOTE: a wipe still running would land on the catalog this sync is about to claim for the next person.
  await forgetting;
  const db = await offlineDb();
  const cache = await savedCache();
  const pages = await openCache(CACHE_NAMES.pages);
  // The sync wipes the device when it was someone else's (or no one's), once the server answered for this
  // person: see syncCatalog. Their push goes then too, not before: a tab of the person before, left open
  // while someone else signed in, unsubscribed the new person's push.
  const previous = (await db.get("meta", META.userId)) as string | undefined;
  const result = await syncCatalog(db, { userId, cache, pages }).catch(() => undefined);
  if (result?.status === "ok" && previous !== undefined && previous !== userId) void forgetPreviousPush();
  if (result?.status === "offline") serverUnreachable();
  else if (result) serverAnswered();
  // Signed out, or someone else signed in from another tab (the server refuses this person's store then:
  // app/offline/sync.ts), and nothing of the device was touched.
  if (result?.status === "signed-out") await sessionMayHaveEnded();
  if (result?.status === "ok") {
    // The wipe took the tabs this seller's start had just stored.
    if (previous !== userId) void cacheShell(true);
    changed();
    if (cache && result.stale.length) {
      await refreshStale(db, { cache, origin: location.origin });
      changed();
    }
  }
  return result;
}

export async function flushNow(): Promise<FlushResult | undefined> {
  if (!userId) return undefined;
  const db = await offlineDb();
  const result = await flushOutbox(db, { userId }).catch(() => undefined);
  if (result?.stopped === "offline") serverUnreachable();
  // Nothing sent, refused or answered (an empty outbox, entries waiting out their backoff): no news.
  else if (result && (result.sent || result.refused || result.stopped === "server" || result.stopped === "signed-out")) serverAnswered();
  // Only news is news: every listener re-reads the catalog (10,000 items, offline search's index rebuilt),
  // and a flush of nothing (an empty outbox, entries waiting out their backoff) on each retry timer
  // stalled the page while the seller typed a search. A failed send is news: its entry's attempts changed.
  const quiet = result && !result.sent && !result.refused && (result.stopped === undefined || result.stopped === "waiting");
  if (!quiet) changed();
  clearTimeout(retryTimer);
  if (result?.retryAt) retryTimer = setTimeout(() => void flushNow(), Math.max(1_000, result.retryAt - Date.now()));
  return result;
}

async function requestBackgroundSync() {
  try {
    const reg = (await navigator.serviceWorker?.ready) as
      (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined;
    await reg?.sync?.register(OUTBOX_SYNC_TAG);
  } catch {
    // No Background Sync (Safari, Firefox): the `online` listener and the next start flush instead.
  }
}

async function queue(entry: Parameters<typeof enqueue>[1], options: { waitForSend?: boolean } = {}) {
  const db = await offlineDb();
  const added = await enqueue(db, entry);
  changed();
  if (isOnline()) {
    const sending = flushNow();
    if (options.waitForSend) await sending;
  } else void requestBackgroundSync();
  return added;
}

/** Moves entries staged synchronously (see staging.ts) into the outbox, then sends them. */
export async function commitStagedEntries() {
  if (!userId) return 0;
  const moved = await commitStaged(await offlineDb(), userId);
  if (moved) {
    changed();
    if (isOnline()) void flushNow();
    else void requestBackgroundSync();
  }
  return moved;
}

export function recordEvent(type: "view" | "dwell" | "share", itemId: string, props?: Record<string, unknown>) {
  if (!userId) return Promise.resolve(false);
  return queue(eventEntry(userId, { type, itemId, props }));
}

export function recordRating(itemId: string, rating: { useful: boolean; reasons?: string[]; comment?: string; versionId?: string }) {
  if (!userId) return Promise.resolve(false);
  return queue(ratingEntry(userId, itemId, rating));
}

/**
 * Queues a content request and, online, waits for its send, so the form can say where it is: with marketing,
 * on this device until the server answers, or refused (with the server's reason, also on the Saved tab).
 */
export async function recordRequest(request: { text: string; query?: string }): Promise<RequestOutcome> {
  if (!userId) return { status: "not-started" };
  const entry = requestEntry(userId, request);
  await queue(entry, { waitForSend: true });
  const left = await (await offlineDb()).getFromIndex("outbox", "byId", entry.id);
  if (!left) return { status: "sent" };
  return left.failed ? { status: "refused", message: left.lastError ?? "" } : { status: "queued" };
}

export type RequestOutcome = { status: "sent" | "queued" | "not-started" } | { status: "refused"; message: string };

/**
 * Queues a buyer share made offline; answers the link, which works once the outbox has delivered it. An
 * item that expired or was marked internal while the phone was offline is left out (shareableOnDevice).
 */
export async function recordShare(share: Parameters<typeof shareEntry>[1]): Promise<string | null> {
  if (!userId) return null;
  const db = await offlineDb();
  const entries = await Promise.all(share.itemIds.map((id) => db.get("catalog", id)));
  const { itemIds, refusal } = shareableOnDevice(share.itemIds, entries);
  if (refusal) throw new ShareError(refusal);
  const entry = shareEntry(userId, { ...share, itemIds });
  await queue(entry);
  return `${location.origin}/s/${entry.body.token}`;
}

/** Marks an item the device does not hold, to be saved by the next connection. */
export async function saveWhenOnline(itemId: string) {
  await markSaveWhenOnline(await offlineDb(), itemId);
  changed();
}

/** Saves what was marked "save when back online" (after a sync, so the catalog knows the items). */
export async function savePendingNow() {
  const cache = await savedCache();
  if (!userId || !cache) return;
  const result = await savePending(await offlineDb(), { cache, origin: location.origin }).catch(() => undefined);
  if (result?.saved.length) changed();
}

const shellStored = async () => !!(await caches.match(new URL(SHELL_PAGES[0], location.origin).href, { cacheName: CACHE_NAMES.pages }));

/** Asks the service worker to store the four tabs for offline use, now that a seller is signed in. */
async function cacheShell(force = false) {
  if (!storeShell) return;
  try {
    const manifestVersion = (window as unknown as { __remixManifest?: { version?: string } }).__remixManifest?.version;
    // Once per browser session and build: the pages refresh themselves whenever they are visited online.
    const mark = `fieldkit:shell-cached:${userId}:${manifestVersion}`;
    // The mark outlives a sign-out, which empties the pages cache: signed in again, the tabs are stored again.
    if (!force && sessionStorage.getItem(mark) && (await shellStored())) return;
    const reg = await navigator.serviceWorker?.ready;
    reg?.active?.postMessage({ type: "CACHE_SHELL", manifestVersion });
    sessionStorage.setItem(mark, "1");
  } catch {
    // No service worker (private mode, old browser): pages work online only.
  }
}

/**
 * The previous person's session ended without a sign-out through the worker (it expired, or ended on another
 * device): this browser is still subscribed to their push, and their notifications reached the next person's
 * lock screen. Unsubscribed here, the push service answers their next one with 410 and the server forgets it.
 */
async function forgetPreviousPush() {
  try {
    const reg = await navigator.serviceWorker?.ready;
    await (await reg?.pushManager?.getSubscription())?.unsubscribe();
  } catch {
    // No push here (or no worker): nothing was subscribed.
  }
}

/**
 * The server may have said this browser has no session (a sync's 401, the sign-in page): if it says so when
 * asked, the last person's catalog, saved copies and pages leave the device as on a sign-out through the
 * app, and their push goes (see forgetIfSignedOut). The outbox stays, as on that sign-out.
 */
export function sessionMayHaveEnded(): Promise<boolean> {
  forgetting ??= (async () => {
    const db = await offlineDb();
    const storage = typeof caches === "undefined" ? { delete: async () => false } : caches;
    // NOTE: push only when someone's data was here: on a device no one used, or after a sign-out through the
    // worker (which unsubscribed), the subscription, if any, belongs to no one who left.
    const previous = await db.get("meta", META.userId);
    const forgot = await forgetIfSignedOut(db, { storage }).catch(() => false);
    if (forgot) {
      if (previous !== undefined) void forgetPreviousPush();
      changed();
    }
    return forgot;
  })().finally(() => (forgetting = undefined));
  return forgetting;
}

/** Called once a signed-in page has hydrated: sync the catalog and send what is waiting. */
export function startOffline(forUser: string, options: { storeShell?: boolean } = {}) {
  const shellTurnedOn = !!options.storeShell && !storeShell;
  if (options.storeShell) storeShell = true;
  if (userId === forUser && started) {
    // Another page component started first without knowing the role.
    if (shellTurnedOn && isOnline()) void cacheShell();
    return;
  }
  userId = forUser;
  if (!started) {
    started = true;
    onConnectivity("back", () => void reconnected());
  }
  // A view staged just before the last page went away is committed first, then everything is sent.
  void commitStagedEntries().then(() => {
    if (isOnline())
      void flushNow()
        .then(() => syncNow())
        .then(() => savePendingNow());
  });
  if (isOnline() && storeShell) void cacheShell();
}

/**
 * Signed out, or the session ended and the app went to sign in: whoever signs in next starts afresh, even
 * the same seller. Without this the same seller's sign-in (a client-side navigation, so this module lives
 * on) found the runtime started and sent nothing: what waited for the sign-in waited for a reload.
 */
export function stopOffline() {
  userId = undefined;
  clearTimeout(retryTimer);
}

/** The network or the server is back: send what waited (at once, whatever its backoff said), then catch up. */
async function reconnected() {
  if (userId) await resetBackoff(await offlineDb(), userId);
  await flushNow();
  await syncNow();
  await savePendingNow();
  void cacheShell(true);
}
