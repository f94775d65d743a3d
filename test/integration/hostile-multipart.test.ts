// Hostile multipart: what an upload's parser meets from broken clients and attackers, generated with
// fast-check (a fixed seed): boundaries missing, quoted, too long or never closed; parts without a name,
// with a 100 KB header line, with a filename holding NUL, slashes or 10,000 characters; hundreds of
// parts; bodies cut short. The files inside are other tests' business (fuzz-upload); here it is the
// envelope. Every route that reads multipart (the four upload routes, and a sign-in and a settings form
// read by `readForm`) must answer below 500 without throwing, and no temp file may be left behind.
import { readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { action as createApi } from "~/routes/api.v1.items";
import { action as versionsApi } from "~/routes/api.v1.items.$id.versions";
import { action as publishPage } from "~/routes/_app.publish._index";
import { action as itemPage } from "~/routes/_app.items.$id";
import { action as loginPage } from "~/routes/login";
import { action as mePage } from "~/routes/_app.me";
import { makeImage } from "@/content/demo/files";
import { items, itemVersions } from "@/db/schema";
import { cookieFor, createTestApp, createUser, respond, routeArgs, statusOf, testEnv, type TestApp } from "../setup/app";
import { withPublishing } from "../setup/publishing";

const SEED = Number(process.env.HOSTILE_SEED ?? 20261205);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 40);

let app: TestApp;
let cookie: string;
let itemId: string;
let png: Uint8Array;

beforeAll(async () => {
  // A 1 MB limit, so "too large" is reached by generated bodies too.
  app = await createTestApp({ env: testEnv({ MAX_UPLOAD_MB: "1" }) });
  withPublishing(app);
  cookie = await cookieFor(app, (await createUser(app, { role: "marketer" })).id);
  const [item] = await app.db.insert(items).values({ type: "image", title: "Multipart target", status: "draft" }).returning();
  await app.db.insert(itemVersions).values({ itemId: item.id, number: 1 });
  itemId = item.id;
  png = new Uint8Array(await makeImage("Envelope", { width: 40, height: 30, format: "png" }));
});
afterAll(() => app.close());

const CRLF = "\r\n";
/**
 * A field that is mostly what a browser sends and sometimes one of the hostile values: an envelope with
 * everything hostile stops at the first check, so each carries a few (about one field in seven).
 */
const pick = <T>(valid: T, ...hostile: T[]) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(valid) }, { weight: 1, arbitrary: fc.constantFrom(...hostile) });
const part = fc.record({
  disposition: pick("form-data", "FORM-DATA", "attachment", ""),
  name: pick<string | null>("file", "title", "", null, "x".repeat(5_000), "a\u0000b", 'q"uote'),
  filename: pick<string | null>(
    "pixel.png",
    null,
    "",
    "../../etc/passwd",
    "a\u0000.png",
    `${"x".repeat(10_000)}.png`,
    "😀.png",
    "C:\\Users\\evil\\a.png",
    "a.png\r\nX-Injected: 1",
  ),
  header: pick(`Content-Type: image/png${CRLF}`, "", `X-Long: ${"y".repeat(100_000)}${CRLF}`, `Content-Type: ${CRLF}`),
  headerEnd: pick(CRLF + CRLF, "\n\n", CRLF),
  content: pick<"png" | "text" | "empty" | "nul" | "big">("png", "text", "empty", "nul", "big"),
});
const envelope = fc.record({
  boundary: pick("fk-boundary", "x".repeat(70), "x".repeat(300), "with space", "é-boundary", "-"),
  declared: pick<"same" | "quoted" | "missing" | "other" | "empty">("same", "quoted", "missing", "other", "empty"),
  preamble: pick("", `garbage${CRLF}`, CRLF + CRLF),
  parts: fc.array(part, { minLength: 0, maxLength: 3 }),
  filler: pick(0, 600),
  closing: pick<"proper" | "missing" | "cut" | "trailing" | "bare">("proper", "missing", "cut", "trailing", "bare"),
});
type Envelope = typeof envelope extends fc.Arbitrary<infer T> ? T : never;

function bodyOf(e: Envelope): { contentType: string; bytes: Buffer; shown: string } {
  const chunks: Buffer[] = [Buffer.from(e.preamble)];
  const open = (b: string) => chunks.push(Buffer.from(`--${b}${CRLF}`));
  for (const p of e.parts) {
    open(e.boundary);
    const disposition = [
      p.disposition,
      p.name === null ? null : `name="${p.name}"`,
      p.filename === null ? null : `filename="${p.filename}"`,
    ]
      .filter((x) => x !== null && x !== "")
      .join("; ");
    chunks.push(Buffer.from(`Content-Disposition: ${disposition}${CRLF}${p.header}`.replace(/\r\n$/, "") + p.headerEnd));
    const content = {
      png: Buffer.from(png),
      text: Buffer.from("Hostile title"),
      empty: Buffer.alloc(0),
      nul: Buffer.from("\u0000\u0000"),
      big: Buffer.alloc(1_100_000, 0x41),
    }[p.content];
    chunks.push(content, Buffer.from(CRLF));
  }
  for (let i = 0; i < e.filler; i++) {
    open(e.boundary);
    chunks.push(Buffer.from(`Content-Disposition: form-data; name="f${i}"${CRLF}${CRLF}v${CRLF}`));
  }
  const end = {
    proper: `--${e.boundary}--${CRLF}`,
    missing: "",
    cut: `--${e.boundary.slice(0, 2)}`,
    trailing: `--${e.boundary}--${CRLF}junk`,
    bare: `--${e.boundary}--`,
  }[e.closing];
  chunks.push(Buffer.from(end));
  const param = {
    same: `; boundary=${e.boundary}`,
    quoted: `; boundary="${e.boundary}"`,
    missing: "",
    other: "; boundary=not-this-one",
    empty: "; boundary=",
  }[e.declared];
  const shown = JSON.stringify({
    ...e,
    parts: e.parts.map((p) => ({ ...p, name: p.name?.slice(0, 20), filename: p.filename?.slice(0, 20), header: p.header.slice(0, 20) })),
  });
  return { contentType: `multipart/form-data${param}`, bytes: Buffer.concat(chunks), shown };
}

const ROUTES: {
  label: string;
  action: (args: never) => unknown;
  address: () => string;
  params: () => Record<string, string>;
  signedIn: boolean;
}[] = [
  { label: "POST /api/v1/items", action: createApi, address: () => "/api/v1/items", params: () => ({}), signedIn: true },
  {
    label: "POST /api/v1/items/:id/versions",
    action: versionsApi,
    address: () => `/api/v1/items/${itemId}/versions`,
    params: () => ({ id: itemId }),
    signedIn: true,
  },
  { label: "the upload page", action: publishPage, address: () => "/publish", params: () => ({}), signedIn: true },
  {
    label: "an item's new-version form",
    action: itemPage,
    address: () => `/items/${itemId}`,
    params: () => ({ id: itemId }),
    signedIn: true,
  },
  { label: "sign-in (readForm)", action: loginPage, address: () => "/login", params: () => ({}), signedIn: false },
  { label: "Me (readForm)", action: mePage, address: () => "/me", params: () => ({}), signedIn: true },
];

const tempFiles = () => {
  try {
    return readdirSync(path.join(app.env.STORAGE_DIR, "tmp")).filter((n) => n.endsWith(".part"));
  } catch {
    return [];
  }
};

it("answers every generated envelope on every multipart route below 500, and leaves no temp file", async () => {
  const envelopes = fc.sample(envelope, { seed: SEED, numRuns: RUNS });
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  for (const route of ROUTES) {
    for (const e of envelopes) {
      const { contentType, bytes, shown } = bodyOf(e);
      const headers = new Headers({ "Content-Type": contentType });
      if (route.signedIn) headers.set("Cookie", cookie);
      const req = new Request(new URL(route.address(), "http://localhost"), { method: "POST", headers, body: new Uint8Array(bytes) });
      try {
        const status = statusOf(await respond(() => route.action(routeArgs(app, req, route.params()) as never)));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${route.label}: ${status} for ${shown.slice(0, 400)}`);
      } catch (thrown) {
        failures.push(`${route.label}: threw ${String(thrown).slice(0, 200)} for ${shown.slice(0, 400)}`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(tempFiles()).toEqual([]);
  // The generator reaches both sides: some envelopes are read and stored, most are refused.
  expect([...statuses.keys()].some((s) => s < 400)).toBe(true);
  expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
}, 120_000);
