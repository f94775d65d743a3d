import { describe, expect, it } from "vitest";
import {
  CACHE_NAMES,
  asDownload,
  byteRange,
  cacheKey,
  dataUrlFor,
  isCacheable,
  isSignOut,
  itemOfFile,
  savedAssetLookup,
  strategyFor,
  wantsFreshCopy,
} from "~/offline/routing";

const ORIGIN = "https://fieldkit.test";
const get = (path: string, extra: { mode?: string } = {}) => ({ url: ORIGIN + path, method: "GET", ...extra });

describe("cache routing table", () => {
  it.each([
    ["/build/entry.client-ABC123.js", "precache"],
    ["/icons/icon-192.png", "precache"],
    ["/offline.html", "precache"],
    ["/api/v1/items/9f0c/file", "saved-asset"],
    ["/api/v1/items/9f0c/previews/3", "saved-asset"],
    ["/api/v1/sync?since=x", "network-only"],
    ["/api/v1/items/9f0c", "network-only"],
    ["/items/9f0c.data", "page-data"],
    ["/items/9f0c.data?_routes=routes%2F_app.items.%24id", "page-data"],
    ["/__manifest?p=%2Fitems%2F9f0c&version=abc", "page-data"],
    ["/sw.js", "passthrough"],
  ])("routes GET %s to %s", (path, strategy) => {
    expect(strategyFor(get(path), ORIGIN)).toBe(strategy);
  });

  it("treats navigations as pages, except sign-in, sign-out and health", () => {
    expect(strategyFor(get("/items/9f0c", { mode: "navigate" }), ORIGIN)).toBe("page");
    expect(strategyFor(get("/saved?q=pricing", { mode: "navigate" }), ORIGIN)).toBe("page");
    for (const path of ["/login", "/login?redirectTo=%2Fhome", "/logout", "/healthz", "/s/abc", "/s/abc/items/1/pages/1"]) {
      expect(strategyFor(get(path, { mode: "navigate" }), ORIGIN)).toBe("passthrough");
    }
    for (const path of ["/login.data", "/logout.data", "/s/abc.data", "/s/abc/items/1.data"]) {
      expect(strategyFor(get(path), ORIGIN)).toBe("passthrough");
    }
    expect(strategyFor(get("/search.data"), ORIGIN)).toBe("page-data");
  });

  it("leaves writes and other origins to the browser", () => {
    expect(strategyFor({ url: `${ORIGIN}/api/v1/events`, method: "POST" }, ORIGIN)).toBe("passthrough");
    expect(strategyFor({ url: `${ORIGIN}/items/1.data`, method: "POST" }, ORIGIN)).toBe("passthrough");
    expect(strategyFor({ url: "https://video.example.com/x", method: "GET", mode: "navigate" }, ORIGIN)).toBe("passthrough");
  });

  it("caches data under one key whichever routes Remix asks for", () => {
    expect(cacheKey(`${ORIGIN}/items/1.data?_routes=routes%2F_app.items.%24id`)).toBe(`${ORIGIN}/items/1.data`);
    expect(cacheKey(`${ORIGIN}/items/1.data`)).toBe(`${ORIGIN}/items/1.data`);
    expect(cacheKey(`${ORIGIN}/saved?b=2&a=1#top`)).toBe(`${ORIGIN}/saved?a=1&b=2`);
  });

  it("derives the single-fetch data URL of a page", () => {
    expect(dataUrlFor("/items/1")).toBe("/items/1.data");
    expect(dataUrlFor("/saved/")).toBe("/saved.data");
    expect(dataUrlFor("/")).toBe("/_root.data");
  });

  it("keeps only plain 200 answers", () => {
    expect(isCacheable({ status: 200, type: "basic" })).toBe(true);
    expect(isCacheable({ status: 202, type: "basic" })).toBe(false); // single-fetch redirect
    expect(isCacheable({ status: 200, type: "basic", redirected: true })).toBe(false); // e.g. bounced to /login
    expect(isCacheable({ status: 404, type: "basic" })).toBe(false);
    expect(isCacheable({ status: 0, type: "opaque" })).toBe(false);
  });

  it("bypasses the device's copies for a download that asks for a fresh one, but never for a navigation", () => {
    for (const cache of ["no-cache", "reload", "no-store"]) expect(wantsFreshCopy({ cache, mode: "cors" })).toBe(true);
    expect(wantsFreshCopy({ cache: "default", mode: "cors" })).toBe(false);
    expect(wantsFreshCopy({ cache: "force-cache", mode: "no-cors" })).toBe(false);
    // A reload asks "no-cache" too: offline it must still open the stored page.
    expect(wantsFreshCopy({ cache: "no-cache", mode: "navigate" })).toBe(false);
  });

  it("recognises a sign-out sent as a plain form or by Remix, and nothing else", () => {
    expect(isSignOut({ url: `${ORIGIN}/logout`, method: "POST" }, ORIGIN)).toBe(true);
    expect(isSignOut({ url: `${ORIGIN}/logout.data`, method: "POST" }, ORIGIN)).toBe(true);
    expect(isSignOut({ url: `${ORIGIN}/logout`, method: "GET" }, ORIGIN)).toBe(false);
    expect(isSignOut({ url: `${ORIGIN}/logout-help`, method: "POST" }, ORIGIN)).toBe(false);
    expect(isSignOut({ url: "https://elsewhere.test/logout", method: "POST" }, ORIGIN)).toBe(false);
  });

  it("names the item of an original file (the worker checks its expiry), and nothing for previews or pages", () => {
    expect(itemOfFile(`${ORIGIN}/api/v1/items/9F0C-AB/file`)).toBe("9f0c-ab");
    expect(itemOfFile(`${ORIGIN}/api/v1/items/9f0c/file?download=1`)).toBe("9f0c");
    expect(itemOfFile(`${ORIGIN}/api/v1/items/9f0c/previews/1`)).toBeNull();
    expect(itemOfFile(`${ORIGIN}/items/9f0c`)).toBeNull();
    expect(itemOfFile(`${ORIGIN}/api/v1/items/9f0c/file/extra`)).toBeNull();
  });

  it("finds a download of a saved file under the saved copy's key, and no other version's", () => {
    const file = `${ORIGIN}/api/v1/items/9f0c/file`;
    expect(savedAssetLookup(`${file}?download=1`)).toEqual({ key: file, download: true });
    expect(savedAssetLookup(file)).toEqual({ key: file, download: false });
    expect(savedAssetLookup(`${file}?download=1&version=2`)).toEqual({ key: `${file}?version=2`, download: true });
    expect(savedAssetLookup(`${ORIGIN}/api/v1/items/9f0c/previews/1`)).toEqual({
      key: `${ORIGIN}/api/v1/items/9f0c/previews/1`,
      download: false,
    });
  });

  it("answers a download with the saved copy's headers, saved under its name instead of opened", () => {
    const inline = new Headers({ "Content-Type": "application/pdf", "Content-Disposition": `inline; filename="deck.pdf"` });
    expect(asDownload(inline).get("Content-Disposition")).toBe(`attachment; filename="deck.pdf"`);
    expect(asDownload(inline).get("Content-Type")).toBe("application/pdf");
    expect(asDownload(new Headers()).get("Content-Disposition")).toBe("attachment");
  });

  it("versions every runtime cache name", () => {
    for (const name of Object.values(CACHE_NAMES)) expect(name).toMatch(/^fieldkit-[a-z]+-v\d+$/);
  });
});

describe("a saved file by byte range", () => {
  const whole = () => new Response(new Uint8Array([...Array(10).keys()]), { status: 200, headers: { "Content-Type": "video/mp4" } });
  const bytes = async (res: Response) => [...new Uint8Array(await res.arrayBuffer())];

  it("answers a range as 206 with its bytes, for a start and end, a start, and a suffix", async () => {
    const part = await byteRange("bytes=2-4", whole());
    expect([part.status, part.headers.get("Content-Range"), part.headers.get("Content-Length"), part.headers.get("Content-Type")]).toEqual([
      206,
      "bytes 2-4/10",
      "3",
      "video/mp4",
    ]);
    expect(await bytes(part)).toEqual([2, 3, 4]);
    expect(await bytes(await byteRange("bytes=7-", whole()))).toEqual([7, 8, 9]);
    expect(await bytes(await byteRange("bytes=-2", whole()))).toEqual([8, 9]);
    expect((await byteRange("bytes=8-99", whole())).headers.get("Content-Range")).toBe("bytes 8-9/10");
  });

  it("answers a range past the end with 416, and anything else with the whole file", async () => {
    const past = await byteRange("bytes=10-", whole());
    expect([past.status, past.headers.get("Content-Range")]).toEqual([416, "bytes */10"]);
    for (const range of [null, "bytes=-", "items=1-2", "bytes=1-2,4-5"]) expect((await byteRange(range, whole())).status).toBe(200);
  });
});
