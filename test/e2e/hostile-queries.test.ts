// Every GET route, pages and API alike, with nonsense in every query parameter it might read and in its
// path's ids, numbers and tokens: each answers what it can (the page, a 400, a 404, a redirect), never a
// 500. Routes come from app/routes, so a new route is covered the day it lands.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { DEMO_PASSWORD, baseURL, describeBrowser } from "../setup/browser";
import { routeAddress } from "../setup/routes";

const ROUTES = path.resolve("app/routes");

/** A route file's address with its parameters filled in (see routeAddress), or null when it has no loader. */
function address(file: string, fill: (param: string) => string | null): string | null {
  const source = readFileSync(path.join(ROUTES, file), "utf8");
  return /export (async function|const) loader\b/.test(source) ? routeAddress(file, fill) : null;
}

// The names the app's routes read; each request sets all of them to the same nonsense.
const PARAMS =
  "q page limit before since cursor from to team type tag sort dir status state role kind actor target w owner open item facet days id notice at unread engine".split(
    " ",
  );
// A NUL reached PostgreSQL through five list filters and answered 500 before the HTTP server refused it.
const VALUES = [
  "",
  "\u0000",
  "-1",
  "0",
  "1e400",
  "NaN",
  "9".repeat(30),
  "1.5",
  "2026-13-45",
  // Dates JavaScript takes and PostgreSQL does not: year 0, a six-digit year.
  "0000-01-01",
  "0000-01-01T00:00:00Z",
  "+275760-09-13T00:00:00Z",
  "<script>x</script>",
  "'; drop table users;--",
  "%",
  "[]",
  "x".repeat(300),
];

describeBrowser("hostile query parameters", () => {
  const session = async (email: string) => {
    const res = await fetch(`${baseURL}/api/v1/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password: DEMO_PASSWORD }),
    });
    return res.headers.get("set-cookie")!.split(";")[0];
  };

  it("answers every GET route with nonsense in its parameters without a 500, for a seller and an admin", async () => {
    const admin = await session("admin@demo.test");
    const library = await (await fetch(`${baseURL}/api/v1/search?q=deck`, { headers: { cookie: admin } })).json();
    const item = (library as { hits: { id: string }[] }).hits[0].id;
    // Tokens (invitations, resets, buyer shares) are secrets the demo has none of; a splat is the 404 page.
    const addresses = readdirSync(ROUTES)
      .map((file) => address(file, (param) => ({ $id: item, $n: "1", $p: "0" })[param] ?? null))
      .filter((a): a is string => a !== null);
    expect(addresses.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const cookie of [await session("seller@demo.test"), admin]) {
      for (const at of addresses) {
        for (const value of VALUES) {
          const query = PARAMS.map((name) => `${name}=${encodeURIComponent(value)}`).join("&");
          const res = await fetch(`${baseURL}${at}?${query}`, { headers: { cookie }, redirect: "manual" });
          await res.arrayBuffer();
          if (res.status >= 500) failures.push(`${res.status} ${at}?${query.slice(0, 120)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it("answers nonsense in a path's ids, numbers and tokens without a 500, for a seller and an admin", async () => {
    const cookie = await session("seller@demo.test");
    const admin = await session("admin@demo.test");
    const NONSENSE = [
      "not-an-id",
      "00000000-0000-0000-0000-000000000000",
      randomUUID(),
      `${randomUUID()}x`,
      "%00",
      "%FF",
      "..%2F..%2Fetc%2Fpasswd",
      "-1",
      "1e400",
      "99999999999999999999",
      "x".repeat(300),
      "%F0%9F%98%80",
    ];
    const templates = readdirSync(ROUTES)
      .map((file) => address(file, (param) => (param === "$" ? null : `{${param}}`)))
      .filter((a): a is string => a !== null && a.includes("{"));
    expect(templates.length).toBeGreaterThan(15);
    const failures: string[] = [];
    for (const who of [cookie, admin]) {
      for (const template of templates) {
        for (const value of NONSENSE) {
          const at = template.replace(/\{\$\w+\}/g, value);
          const res = await fetch(`${baseURL}${at}`, { headers: { cookie: who }, redirect: "manual" });
          await res.arrayBuffer();
          if (res.status >= 500) failures.push(`${res.status} ${at.slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it("answers nonsense in the request headers it reads (ranges, validators, cookies, languages) without a 500", async () => {
    const cookie = await session("seller@demo.test");
    const found = (await (await fetch(`${baseURL}/api/v1/search?q=whitepaper`, { headers: { cookie } })).json()) as {
      hits: { id: string }[];
    };
    const pdf = found.hits[0].id;
    const addresses = [
      `/items/${pdf}`,
      `/api/v1/items/${pdf}/file`,
      `/api/v1/items/${pdf}/previews/1?w=320`,
      "/home",
      "/api/v1/search?q=deck",
      "/healthz",
    ];
    const HEADERS: [string, string][] = [
      ...[
        "bytes=",
        "bytes=-0",
        "bytes=0-0,5-6",
        "bytes=99999999999999999999-",
        "bytes=5-3",
        "bytes=abc",
        "items=0-5",
        `bytes=0-${"9".repeat(400)}`,
      ].map((v): [string, string] => ["range", v]),
      ["if-range", 'W/"x"'],
      ...["*", `"${"x".repeat(2000)}"`, 'W/"x", "y"', ""].map((v): [string, string] => ["if-none-match", v]),
      ["if-modified-since", "yesterday"],
      ...["en;q=abc", "*;q=-1", "x".repeat(2000), ",,,"].map((v): [string, string] => ["accept-language", v]),
      ...["application/json;q=NaN", "*/*;q=-1", 'text/html;level="x'].map((v): [string, string] => ["accept", v]),
      ["accept-encoding", "gzip;q=2, br;q=NaN, identity;q=0, *;q=0"],
      ["x-forwarded-for", "not-an-address, ::1, 999.1.1.1"],
      ["user-agent", "\xff".repeat(50)],
      ["content-type", "multipart/form-data; boundary="],
    ];
    // Cookies: a second session cookie, a broken escape, one far too long, an empty name.
    const COOKIES = [
      `${cookie}; fk_session=junk`,
      "fk_session=%E0%A4%A",
      `fk_session=${"a".repeat(3000)}`,
      "=; ;;",
      `fk_session="quoted"; ${cookie}`,
    ];
    const failures: string[] = [];
    for (const at of addresses) {
      const sent: Record<string, string>[] = [
        ...HEADERS.map(([name, value]) => ({ cookie, [name]: value })),
        ...COOKIES.map((c) => ({ cookie: c })),
      ];
      for (const headers of sent) {
        const res = await fetch(`${baseURL}${at}`, { headers, redirect: "manual" });
        await res.arrayBuffer();
        if (res.status >= 500) failures.push(`${res.status} ${at} with ${JSON.stringify(headers).slice(0, 160)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
