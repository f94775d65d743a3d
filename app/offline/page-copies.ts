// What the service worker tells a page that it answered from the device's copy because the network was slow
// (past NAVIGATION_TIMEOUT_MS), and then that the network's answer has arrived and is stored. The page says
// so and offers "Show it" (app/components/offline/page-copy-notice.tsx): swapping the list under the
// seller's finger would lose their place (decision 040). Plain data and functions, unit-tested.

export const PAGE_COPY_MESSAGE = "fieldkit:page-copy";
/** A page asks once its scripts run: a notice posted before it listened is not delivered to it. */
export const PAGE_COPY_QUERY = "fieldkit:page-copy?";

export type PageCopyNotice = {
  type: typeof PAGE_COPY_MESSAGE;
  /** The page the answer was for, as `pageOfUrl` gives it for the page's own address. */
  path: string;
  /** What was answered: the document (the newer one needs a reload) or its data (a revalidation). */
  kind: "page" | "data";
  /**
   * `copy`: the page shows the device's copy; `newer`: the network's answer arrived later and is stored;
   * `current`: a later request for the same page was answered by the network in time.
   */
  state: "copy" | "newer" | "current";
  /** When the server made the copy (its Date header), ISO; null when the copy does not say. */
  copiedAt: string | null;
};

/**
 * The page a request is for, the same for a document and its data: `/items/1.data?_routes=…` and
 * `/items/1/` are both `/items/1`; `/_root.data` is `/`. The query stays, sorted, as a search is a page.
 */
export function pageOfUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.delete("_routes");
  u.searchParams.sort();
  let path = u.pathname;
  if (path === "/_root.data") path = "/";
  else if (path.endsWith(".data")) path = path.slice(0, -".data".length);
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  const query = u.searchParams.toString();
  return query ? `${path}?${query}` : path;
}

/**
 * Route discovery (`/__manifest`) goes through the same strategy as a page's data, but it is no page: a
 * notice about it would stand in for the one about the page the seller is on.
 */
export function isRouteDiscovery(url: string): boolean {
  return new URL(url).pathname === "/__manifest";
}

export function isPageCopyNotice(data: unknown): data is PageCopyNotice {
  if (!data || typeof data !== "object") return false;
  const n = data as Partial<PageCopyNotice>;
  return (
    n.type === PAGE_COPY_MESSAGE &&
    typeof n.path === "string" &&
    (n.kind === "page" || n.kind === "data") &&
    (n.state === "copy" || n.state === "newer" || n.state === "current")
  );
}

/** The copy's Date header as ISO, or null when it has none or an unreadable one. */
export function copiedAt(headers: Headers): string | null {
  const at = Date.parse(headers.get("Date") ?? "");
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

/** A worker lives for minutes, but a seller can open many pages in that time: only the latest are kept. */
export const NOTICES_KEPT = 20;

/** Where the worker keeps a notice: per page (client) and address, so one about a fetcher's data leaves the page's own. */
export const noticeKey = (clientId: string, path: string) => `${clientId} ${path}`;

/** What the worker still has to say to one page (client), for its query. */
export function noticesFor(board: Map<string, PageCopyNotice>, clientId: string): PageCopyNotice[] {
  return [...board].filter(([key]) => key.startsWith(`${clientId} `)).map(([, notice]) => notice);
}

/**
 * The worker's last notice for each page (client) and address, for the page's query. A notice that is
 * `current` again is forgotten: nothing is left to say.
 */
export function rememberNotice(board: Map<string, PageCopyNotice>, key: string, notice: PageCopyNotice): void {
  board.delete(key);
  if (notice.state === "current") return;
  board.set(key, notice);
  for (const oldest of board.keys()) {
    if (board.size <= NOTICES_KEPT) break;
    board.delete(oldest);
  }
}
