// Mounted once in app/root.tsx: registers the service worker, says when the device is offline, offers the
// "update available" reload and a slow network's "newer version arrived", starts catalog sync and outbox
// flushing for the signed-in seller, records item views and dwell time, and queues the feedback and
// request forms while offline.
import { useLocation, useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { UUID_SOURCE } from "@/vocabulary/ids";
import { isOnline } from "~/offline/connectivity";
import { queuedForm } from "~/offline/forms";
import { eventEntry } from "~/offline/outbox";
import { stageEntry } from "~/offline/staging";
import { captureInstallPrompt } from "./install-hint";
import { DocumentViewScript, takeDocumentView } from "./document-view";
import { useOnline } from "./network-status";
import { PageCopyNotice } from "./page-copy-notice";

type AppData = { user?: { id: string; role?: string } } | undefined;
const ITEM_PAGE = new RegExp(`^/items/(${UUID_SOURCE})/?$`, "i");
/** Shorter glances are noise for "dwell time". */
const MIN_DWELL_MS = 1_000;

const runtime = () => import("~/offline/runtime");

export { useOnline };

let countedVisit: string | undefined;

/** Tracks visible time on the current item page; `finish` records it when the seller leaves. */
function onLeave(finish: () => void) {
  const onVisibility = () => {
    const v = viewingNow.current;
    if (!v) return;
    if (document.visibilityState === "hidden") v.visibleMs += Date.now() - v.since;
    else v.since = Date.now();
  };
  document.addEventListener("visibilitychange", onVisibility);
  window.addEventListener("pagehide", finish);
  return () => {
    document.removeEventListener("visibilitychange", onVisibility);
    window.removeEventListener("pagehide", finish);
    finish();
  };
}
const viewingNow: { current: { itemId: string; since: number; visibleMs: number } | null } = { current: null };

export function OfflineRoot() {
  const data = useRouteLoaderData("routes/_app") as AppData;
  const userId = data?.user?.id;
  const online = useOnline();
  const [update, setUpdate] = useState<null | (() => void)>(null);
  const [status, setStatus] = useState("");
  const location = useLocation();
  /** The item this page shows, if it is an item page: its view is counted (below and document-view.tsx). */
  const itemOnPage = ITEM_PAGE.exec(location.pathname)?.[1].toLowerCase();

  useEffect(captureInstallPrompt, []);

  // Service worker, after load so it never competes with the first paint.
  useEffect(() => {
    if (!("serviceWorker" in navigator)) return;
    let cancelled = false;
    const register = async () => {
      const { Workbox } = await import("workbox-window");
      if (cancelled) return;
      const wb = new Workbox("/sw.js");
      wb.addEventListener("waiting", () => {
        setUpdate(() => () => {
          wb.addEventListener("controlling", () => window.location.reload());
          wb.messageSkipWaiting();
        });
      });
      await wb.register().catch(() => undefined);
    };
    if (document.readyState === "complete") void register();
    else window.addEventListener("load", () => void register(), { once: true });
    return () => {
      cancelled = true;
    };
  }, []);

  const runtimeStarted = useRef(false);
  useEffect(() => {
    // The tabs are stored for offline use only for sellers: the desk is not an offline workplace.
    if (userId) {
      runtimeStarted.current = true;
      void runtime().then((r) => r.startOffline(userId, { storeShell: data?.user?.role === "seller" }));
    } else if (runtimeStarted.current) void runtime().then((r) => r.stopOffline());
  }, [userId, data?.user?.role]);

  // Views and dwell time on item pages, through the outbox so they count offline too.
  useEffect(() => {
    if (!userId) return;
    const finish = () => {
      const v = viewingNow.current;
      if (!v) return;
      const ms = v.visibleMs + (document.visibilityState === "visible" ? Date.now() - v.since : 0);
      viewingNow.current = null;
      if (ms >= MIN_DWELL_MS) void runtime().then((r) => r.recordEvent("dwell", v.itemId, { ms: Math.round(ms) }));
    };
    if (!itemOnPage) return;
    const itemId = itemOnPage;
    viewingNow.current = { itemId, since: Date.now(), visibleMs: 0 };
    // One view per visit: effects may run twice for one navigation (React strict mode, remounts).
    const visit = `${location.key}|${location.pathname}`;
    if (countedVisit === visit) return onLeave(finish);
    countedVisit = visit;
    // Staged synchronously: a seller who opens an item and leaves at once still counts as a view. A page
    // loaded as a document staged its view before hydration (document-view.tsx).
    if (!takeDocumentView(itemId)) {
      stageEntry(eventEntry(userId, { type: "view", itemId, props: { source: isOnline() ? "item_page" : "offline" } }));
    }
    void runtime().then((r) => r.commitStagedEntries());
    return onLeave(finish);
  }, [location.key, location.pathname, userId, itemOnPage]);

  // Offline, the rating and request forms are queued instead of failing; online they post as usual.
  useEffect(() => {
    if (!userId) return;
    const onSubmit = (event: SubmitEvent) => {
      if (isOnline()) return;
      const form = event.target as HTMLFormElement;
      const action = new URL(form.action, window.location.href);
      if (action.origin !== window.location.origin) return;
      const queued = queuedForm(action.pathname, form.method, new FormData(form, event.submitter));
      if (!queued) return;
      event.preventDefault();
      event.stopPropagation();
      void runtime().then(async (r) => {
        if (queued.kind === "rating") await r.recordRating(queued.itemId, queued);
        else await r.recordRequest(queued);
        setStatus(
          queued.kind === "rating"
            ? "Your feedback is saved on this device and will be sent when you're back online."
            : "Your request is saved on this device and will be sent when you're back online.",
        );
      });
    };
    window.addEventListener("submit", onSubmit, true);
    return () => window.removeEventListener("submit", onSubmit, true);
  }, [userId]);

  useEffect(() => {
    if (online) setStatus("");
  }, [online]);

  return (
    <>
      {userId && itemOnPage ? <DocumentViewScript userId={userId} itemId={itemOnPage} /> : null}
      {/* Whether the device is offline is said in the top bar (NetworkStatus); this is for queued actions. */}
      <div className="offline-bar" role="status" aria-live="polite" hidden={!status}>
        {status}
      </div>
      {/* One stack above the tab bar, so the two never cover each other. */}
      <div className="bottom-notices">
        <PageCopyNotice />
        {update ? (
          <div className="update-prompt" role="alertdialog" aria-labelledby="update-title">
            <span id="update-title">Update available.</span>
            <button type="button" onClick={update}>
              Reload
            </button>
          </div>
        ) : null}
      </div>
    </>
  );
}
