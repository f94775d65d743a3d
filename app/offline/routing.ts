// The service worker's routing table: one strategy per kind of request. Plain data and functions so the
// rules are unit-tested; app/sw/sw.ts only executes them.

/** Bump to drop every runtime cache on the next activation (e.g. when the shape of cached pages changes). */
export const CACHE_VERSION = "v1";

export const CACHE_NAMES = {
  /** Pages and their data the seller visited: a fallback when the network is down or slow. */
  pages: `fieldkit-pages-${CACHE_VERSION}`,
  /** What the seller saved for offline: item pages, their data, files and previews. Never expires by itself. */
  saved: `fieldkit-saved-${CACHE_VERSION}`,
} as const;
export const CACHE_PREFIX = "fieldkit-";

/** How long a navigation waits for the network before answering from the cache (when it has a copy). */
export const NAVIGATION_TIMEOUT_MS = 3_000;
export const OFFLINE_PAGE = "/offline.html";

export type Strategy =
  /** The browser handles it: not ours, not GET, or must always be live (sign-in, the worker itself). */
  | "passthrough"
  /** App shell (fingerprinted build files, icons, offline page): precached, cache-first. */
  | "precache"
  /** HTML navigations: network-first with a short timeout, then the saved or pages cache, then the offline page. */
  | "page"
  /** Remix data for a page (`/path.data`) and route discovery (`/__manifest`): same as pages, JSON fallback. */
  | "page-data"
  /** Item files and previews: cache-first from the saved cache, else network without storing. */
  | "saved-asset"
  /** Everything else under /api: never cached (the offline catalog lives in IndexedDB, not in HTTP caches). */
  | "network-only";

export type RequestInfo = { url: string; method: string; mode?: string; destination?: string };

const ITEM_ASSET = /^\/api\/v1\/items\/[^/]+\/(file|previews\/\d+)$/;
// NOTE: buyer links (/s/<token>) too: a copy on the seller's phone would outlive revocation. Their data
// (`/login.data`…) too: a copy kept after a sign-out would refill the cache the sign-out just emptied.
const NEVER_CACHED_PAGES = /^\/(login|logout|healthz|s)(\/|\.data$|$)/;

export function strategyFor(req: RequestInfo, origin: string): Strategy {
  if (req.method !== "GET") return "passthrough";
  const url = new URL(req.url);
  if (url.origin !== origin) return "passthrough";
  const path = url.pathname;
  if (path === "/sw.js") return "passthrough";
  if (path.startsWith("/build/") || path.startsWith("/icons/") || path === OFFLINE_PAGE) return "precache";
  if (ITEM_ASSET.test(path)) return "saved-asset";
  if (path.startsWith("/api/")) return "network-only";
  if (NEVER_CACHED_PAGES.test(path)) return "passthrough";
  if (req.mode === "navigate") return "page";
  if (path.endsWith(".data") || path === "/__manifest") return "page-data";
  return "passthrough";
}

const ITEM_FILE = /^\/api\/v1\/items\/([^/]+)\/file$/;

/**
 * The item whose original file this URL is, or null. Only the file: previews stay, as thumbnails of
 * expired items on the Saved tab and pages of an item page that says it has expired.
 */
export function itemOfFile(url: string): string | null {
  const m = ITEM_FILE.exec(new URL(url).pathname);
  return m ? decodeURIComponent(m[1]).toLowerCase() : null;
}

/**
 * A download that must not be answered from a copy on the device: the page's own saving asks for it with
 * `cache: "no-cache"` (app/offline/saved.ts), because file and preview URLs carry no version and a stored
 * copy would bring back the old version. A navigation is never one: a reload asks "no-cache" too, and a
 * reload offline must still open the stored page.
 */
export function wantsFreshCopy(req: { cache?: string; mode?: string }): boolean {
  return req.mode !== "navigate" && (req.cache === "no-cache" || req.cache === "reload" || req.cache === "no-store");
}

/** Sign-out, as a plain form POST (`/logout`) or Remix's single-fetch action (`/logout.data`). */
export function isSignOut(req: RequestInfo, origin: string): boolean {
  const url = new URL(req.url);
  return req.method === "POST" && url.origin === origin && /^\/logout(\.data)?$/.test(url.pathname);
}

/** The field the worker adds to a sign-out with this browser's push endpoint, for the server to forget it. */
export const PUSH_ENDPOINT_FIELD = "pushEndpoint";

/**
 * The key a response is cached under. Remix adds `_routes` to a data request to name the routes it still
 * needs, which varies with where the seller navigated from; a full copy answers any subset, so it is dropped.
 */
export function cacheKey(url: string): string {
  const u = new URL(url);
  u.searchParams.delete("_routes");
  u.hash = "";
  u.searchParams.sort();
  return u.toString();
}

/**
 * Where a file or preview is in the saved cache, and whether it is asked for as a download. The Download
 * button asks for `?download=1`, which names the same bytes as the saved copy (stored without it): offline,
 * a saved file downloaded as well as it opened.
 */
export function savedAssetLookup(url: string): { key: string; download: boolean } {
  const u = new URL(url);
  const download = u.searchParams.has("download");
  u.searchParams.delete("download");
  return { key: cacheKey(u.toString()), download };
}

/** A saved copy answered to a download: the same bytes, saved under its own name instead of opened. */
export function asDownload(headers: Headers): Headers {
  const out = new Headers(headers);
  const disposition = out.get("Content-Disposition");
  out.set("Content-Disposition", disposition ? disposition.replace(/^\s*inline\b/i, "attachment") : "attachment");
  return out;
}

/** The single-fetch data URL Remix requests for a page path (`/items/1` → `/items/1.data`). */
/**
 * A saved file answered as the byte range asked for (`Range: bytes=a-b`, `a-` or `-n`): Safari plays a
 * video from a service worker only as 206 parts, and a saved demo video did not play offline on an iPad
 * (Chrome played it, but could not seek). Any other request, or a range it cannot read, gets the whole file.
 */
export async function byteRange(range: string | null, whole: Response): Promise<Response> {
  const asked = range?.match(/^bytes=(\d*)-(\d*)$/);
  if (!asked || (!asked[1] && !asked[2]) || whole.status !== 200) return whole;
  const blob = await whole.blob();
  const size = blob.size;
  const start = asked[1] ? Number(asked[1]) : Math.max(0, size - Number(asked[2]));
  const end = asked[1] && asked[2] ? Math.min(Number(asked[2]), size - 1) : size - 1;
  if (start >= size || start > end) return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${size}` } });
  const headers = new Headers(whole.headers);
  headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
  headers.set("Content-Length", String(end - start + 1));
  return new Response(blob.slice(start, end + 1), { status: 206, statusText: "Partial Content", headers });
}

export function dataUrlFor(pathname: string): string {
  return pathname === "/" ? "/_root.data" : `${pathname.replace(/\/$/, "")}.data`;
}

/** Only plain successes are worth keeping: not redirects (202 in single fetch), errors or opaque answers. */
export function isCacheable(res: { status: number; type?: string; redirected?: boolean }): boolean {
  return res.status === 200 && !res.redirected && (res.type === undefined || res.type === "basic" || res.type === "default");
}

/**
 * The four seller tabs. The worker stores each page and its data as soon as a signed-in seller is seen
 * (install and every app start), so they open offline from the first session on — not only once they
 * happened to be loaded as full documents under the worker.
 */
export const SHELL_PAGES = ["/home", "/search", "/saved", "/me"] as const;

/** Route discovery for any page the shell can reach offline, stored under one key (see manifestShellUrl). */
export const MANIFEST_SHELL_KEY = "/__manifest?shell=1";
/** A path whose discovery brings the item route with it; the id itself does not matter. */
const ANY_ITEM_PATH = "/items/00000000-0000-4000-8000-000000000000";

/** What to fetch to make the shell work offline: each page (document), its data, and route discovery. */
export function shellUrls(manifestVersion?: string): { pages: string[]; data: string[]; manifest: string | null } {
  const discover = new URLSearchParams();
  for (const p of [...SHELL_PAGES, ANY_ITEM_PATH].sort()) discover.append("p", p);
  if (manifestVersion) discover.set("version", manifestVersion);
  return {
    pages: [...SHELL_PAGES],
    data: SHELL_PAGES.map(dataUrlFor),
    manifest: manifestVersion ? `/__manifest?${discover}` : null,
  };
}

/**
 * The order the worker stores the shell in: tab by tab (the page, then its data), so a tab stored early is
 * whole when the phone goes offline early; Saved first, as what a seller goes offline for; route discovery
 * last, under its shared key.
 */
export function shellStoreOrder(manifestVersion?: string): { url: string; key?: string }[] {
  const { pages, data, manifest } = shellUrls(manifestVersion);
  const tabs = pages.map((page, n) => [{ url: page }, { url: data[n] }]);
  const order: { url: string; key?: string }[] = [
    ...tabs.filter((t) => t[0].url === "/saved"),
    ...tabs.filter((t) => t[0].url !== "/saved"),
  ].flat();
  return manifest ? [...order, { url: manifest, key: MANIFEST_SHELL_KEY }] : order;
}

/**
 * Offline, with nothing cached for this exact request: what to answer instead. `/` (the start URL's
 * parent) goes to Home; route discovery is answered with the shell's copy (a superset of what is asked
 * is harmless: Remix adds only routes it does not know).
 */
export function offlineSubstitute(url: string): { redirect: string } | { cacheKey: string } | null {
  const u = new URL(url);
  if (u.pathname === "/") return { redirect: "/home" };
  if (u.pathname === "/__manifest") return { cacheKey: new URL(MANIFEST_SHELL_KEY, u.origin).toString() };
  return null;
}
