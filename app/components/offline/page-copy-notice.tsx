// "Slow network: this is the copy saved on this device", then "A newer version of this page has arrived.
// Show it": what the service worker says when it answered a page from its copy (app/offline/page-copies.ts).
// The newer version waits for the seller's tap: a list that changed by itself would move under their finger.
import { useLocation, useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { PAGE_COPY_QUERY, isPageCopyNotice, pageOfUrl, type PageCopyNotice } from "~/offline/page-copies";
import { RelativeTime } from "../relative-time";

export function PageCopyNotice() {
  const location = useLocation();
  const { revalidate } = useRevalidator();
  // By page: a notice for the page a tap is going to comes before the address changes, and one for another
  // page's data (a fetcher) must not hide the one about this page.
  const [notices, setNotices] = useState<Record<string, PageCopyNotice>>({});

  useEffect(() => {
    const container = typeof navigator === "undefined" ? undefined : navigator.serviceWorker;
    if (!container) return;
    const onMessage = (event: MessageEvent) => {
      const said = event.data as unknown;
      if (!isPageCopyNotice(said)) return;
      setNotices(({ [said.path]: _, ...others }) => (said.state === "current" ? others : { ...others, [said.path]: said }));
    };
    container.addEventListener("message", onMessage);
    // A listener added with addEventListener gets nothing until the messages are started.
    container.startMessages();
    // A document answered from the copy was told so before this page listened: it asks.
    container.controller?.postMessage({ type: PAGE_COPY_QUERY });
    return () => container.removeEventListener("message", onMessage);
  }, []);

  // A notice is about one page: after a tap elsewhere it no longer applies (the worker tells each page).
  const shown =
    typeof window === "undefined" ? undefined : notices[pageOfUrl(window.location.origin + location.pathname + location.search)];

  const showNewer = () => {
    if (!shown) return;
    setNotices(({ [shown.path]: _, ...others }) => others);
    // A document's newer copy is the document: a reload. Data: the page's loaders again, keeping its place.
    if (shown.kind === "page") window.location.reload();
    else revalidate();
  };

  return (
    // The live region is always there, the box only with something to say: a region that appears with its
    // text is not read out by every screen reader.
    <div role="status" aria-live="polite">
      {shown ? (
        <div className="page-copy">
          {shown.state === "copy" ? (
            <span>
              Slow network: this is the copy saved on this device
              {shown.copiedAt ? (
                <>
                  {" "}
                  <RelativeTime value={shown.copiedAt} />
                </>
              ) : null}
              .
            </span>
          ) : null}
          {shown.state === "newer" ? (
            <>
              <span>A newer version of this page has arrived.</span>
              <button type="button" onClick={showNewer}>
                Show it
              </button>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
