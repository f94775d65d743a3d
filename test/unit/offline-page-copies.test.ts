import { describe, expect, it } from "vitest";
import {
  NOTICES_KEPT,
  PAGE_COPY_MESSAGE,
  copiedAt,
  isPageCopyNotice,
  isRouteDiscovery,
  noticeKey,
  noticesFor,
  pageOfUrl,
  rememberNotice,
  type PageCopyNotice,
} from "~/offline/page-copies";
import { dataUrlFor } from "~/offline/routing";

const ORIGIN = "https://fieldkit.test";
const notice = (path: string, state: PageCopyNotice["state"] = "copy"): PageCopyNotice => ({
  type: PAGE_COPY_MESSAGE,
  path,
  kind: "data",
  state,
  copiedAt: null,
});

describe("the page a request is for", () => {
  it.each([
    ["/home", "/home"],
    ["/home.data", "/home"],
    ["/_root.data", "/"],
    ["/", "/"],
    ["/items/9f0c/", "/items/9f0c"],
    ["/items/9f0c.data?_routes=routes%2F_app.items.%24id", "/items/9f0c"],
    ["/search.data?q=pricing&_routes=routes%2F_app.search", "/search?q=pricing"],
    ["/search?type=deck&q=a+b", "/search?q=a+b&type=deck"],
  ])("%s is %s", (path, page) => {
    expect(pageOfUrl(ORIGIN + path)).toBe(page);
  });

  it("is the same for a page's address as the browser shows it and the data Remix asks for", () => {
    for (const path of ["/", "/home", "/items/abc", "/saved"]) expect(pageOfUrl(ORIGIN + dataUrlFor(path))).toBe(pageOfUrl(ORIGIN + path));
    // A query the browser keeps encoded as typed and one URLSearchParams re-encodes are the same page.
    expect(pageOfUrl(`${ORIGIN}/search.data?q=win%20rate`)).toBe(pageOfUrl(`${ORIGIN}/search?q=win+rate`));
  });
});

describe("a notice from the worker", () => {
  it("is told from other messages the page gets", () => {
    expect(isPageCopyNotice(notice("/home"))).toBe(true);
    expect(isPageCopyNotice({ ...notice("/home"), state: "stale" })).toBe(false);
    expect(isPageCopyNotice({ ...notice("/home"), kind: "file" })).toBe(false);
    expect(isPageCopyNotice({ type: "SKIP_WAITING" })).toBe(false);
    expect(isPageCopyNotice(null)).toBe(false);
    expect(isPageCopyNotice("fieldkit:page-copy")).toBe(false);
  });

  it("dates the copy by its Date header, or not at all", () => {
    expect(copiedAt(new Headers({ Date: "Sun, 06 Dec 2026 10:42:00 GMT" }))).toBe("2026-12-06T10:42:00.000Z");
    expect(copiedAt(new Headers())).toBeNull();
    expect(copiedAt(new Headers({ Date: "yesterday-ish" }))).toBeNull();
  });
});

describe("the worker's notices, kept for pages that ask", () => {
  it("keeps the last notice per page and address, and forgets one that is current again", () => {
    const board = new Map<string, PageCopyNotice>();
    const tell = (client: string, n: PageCopyNotice) => rememberNotice(board, noticeKey(client, n.path), n);
    tell("a", notice("/home"));
    tell("a", notice("/home", "newer"));
    // A fetcher's data on the same page: kept beside the page's own, which it must not replace.
    tell("a", notice("/search?q=x"));
    tell("ab", notice("/saved"));
    expect(noticesFor(board, "a").map((n) => [n.path, n.state])).toEqual([
      ["/home", "newer"],
      ["/search?q=x", "copy"],
    ]);
    tell("a", notice("/home", "current"));
    expect(noticesFor(board, "a").map((n) => n.path)).toEqual(["/search?q=x"]);
    expect(noticesFor(board, "ab").map((n) => n.path)).toEqual(["/saved"]);
  });

  it("has nothing to say about route discovery, which is no page", () => {
    expect(isRouteDiscovery(`${ORIGIN}/__manifest?p=%2Fhome&version=abc`)).toBe(true);
    expect(isRouteDiscovery(`${ORIGIN}/home.data`)).toBe(false);
    expect(isRouteDiscovery(`${ORIGIN}/__manifest/x`)).toBe(false);
  });

  it(`keeps only the latest ${NOTICES_KEPT} pages, dropping the oldest`, () => {
    const board = new Map<string, PageCopyNotice>();
    for (let i = 0; i < NOTICES_KEPT + 5; i++) rememberNotice(board, `client-${i}`, notice(`/items/${i}`));
    expect(board.size).toBe(NOTICES_KEPT);
    expect(board.has("client-4")).toBe(false);
    expect(board.has("client-5")).toBe(true);
    // A page told again moves to the newest end.
    rememberNotice(board, "client-5", notice("/items/5", "newer"));
    rememberNotice(board, "client-new", notice("/items/new"));
    expect(board.has("client-5")).toBe(true);
    expect(board.has("client-6")).toBe(false);
  });
});
