// Every action, pages and API alike, fed generated nonsense by a seller, a marketer and an admin (the
// public ones by someone signed out and a seller): each
// answers what it can (the page with a form message, a 4xx, a redirect), never a 500, and the API's
// refusals are its JSON error with a message. Actions come from app/routes and the fields they read
// from the app's own forms and the API's description, so a new action is covered the day it lands.
// The GET side is test/e2e/hostile-queries.test.ts. Deterministic: a fixed seed, and a failure prints
// the body that caused it.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "~/modules/demo/seed.server";
import { openApiDocument } from "~/modules/openapi.server";
import { createShare } from "~/modules/shares/shares.server";
import { notify } from "~/modules/notifications/notify.server";
import { contentRequests, items, ratings, tags, users } from "@/db/schema";
import { RATING_REASONS, REQUEST_STATUSES } from "@/vocabulary/feedback";
import { ITEM_STATUSES, ITEM_TYPES } from "@/vocabulary/library";
import { ROLES } from "@/vocabulary/people";
import { SHARE_EVENT_TYPES } from "@/vocabulary/shares";
import { type TestApp, cookieFor, createTestApp, respond, routeArgs, statusOf } from "../setup/app";
import { withPublishing } from "../setup/publishing";
import { routeAddress } from "../setup/routes";

// HOSTILE_SEED and HOSTILE_RUNS hunt further than CI does (e.g. HOSTILE_RUNS=200 with a new seed).
const SEED = Number(process.env.HOSTILE_SEED ?? 20261205);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 8);
const ROUTES = path.resolve("app/routes");
const PERSONAS = { seller: "seller@demo.test", marketer: "marketer@demo.test", admin: "admin@demo.test" } as const;
type Persona = keyof typeof PERSONAS;

// Strings that broke or nearly broke something before: NUL (PostgreSQL refuses it in text), a lone
// surrogate (and its JSON escape, which jsonb refuses), numbers past every range, dates that do not
// exist or that JavaScript takes and PostgreSQL does not (year 0, years past 294276), markup, SQL, LIKE wildcards, very long text.
const NASTY = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "-1",
  "0",
  "1e400",
  "NaN",
  "Infinity",
  "9".repeat(30),
  "1.5",
  "2026-13-45",
  "2026-02-30T25:61:00Z",
  "0000-01-01",
  "0000-01-01T00:00:00Z",
  "+275760-09-13T00:00:00Z",
  "-000001-01-01T00:00:00Z",
  "<script>alert(1)</script>",
  "'; drop table users;--",
  "%_\\",
  "[]",
  "{}",
  "null",
  "x".repeat(300),
  "y ".repeat(6000),
  "😀".repeat(50),
  "javascript:alert(1)",
  "../../etc/passwd",
];
// Real words of the app's vocabulary, so generated bodies also get past the first check and reach deeper.
const WORDS = [
  "seller",
  "marketer",
  "manager",
  "admin",
  "draft",
  "in_review",
  "published",
  "archived",
  "battle_card",
  "deck",
  "talk_track",
  "true",
  "false",
  "on",
  "1",
  "open",
  "answered",
  "expiry",
  "owner",
  "tag_add",
  "view",
  "share",
];

/**
 * A value an action would accept for a field of this name, so that a body with one hostile value among
 * plausible ones gets past the first check and reaches the code behind it.
 */
function plausibleFor(name: string): string[] {
  const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
  if (/email/i.test(name)) return ["someone@example.com", PERSONAS.seller];
  if (/^(itemIds|itemId|item|answerItemId|intoId|fromId)$/.test(name)) return [ids.item, ids.pdf];
  if (/^(userId|ownerId|actor|target)$/.test(name)) return [ids.user, ids.seller];
  if (/^(teamId|team)$/.test(name)) return [ids.team];
  if (/^(tagId|tag)$/.test(name)) return [ids.tag];
  if (/^(id|ratingId|requestId|versionId)$/.test(name)) return [ids.item, ids.rating, ids.request];
  if (/^(expiresAt|from|at)$/.test(name)) return [day(7).slice(0, 10), day(30), day(-3).slice(0, 10)];
  if (name === "publishAt") return [day(2).slice(0, 16)];
  if (name === "tz") return ["+01:00", "Z"];
  if (name === "to") return [...ITEM_STATUSES, day(1).slice(0, 10)];
  if (name === "reasons") return [...RATING_REASONS];
  if (name === "type") return [...ITEM_TYPES, "view", "share"];
  if (/^(status|state)$/.test(name)) return [...ITEM_STATUSES, ...REQUEST_STATUSES, "open", "answered"];
  if (name === "role") return [...ROLES];
  if (/^(useful|allowDownload|requireEmail|verified|notForBuyers|active|confirm|everywhere|all)$/.test(name))
    return ["true", "on", "false"];
  if (/^(revision|days|verifyIntervalDays|n|position|page|ms)$/.test(name)) return ["1", "2", "3"];
  if (name === "password" || name === "current") return ["fieldkit-demo", "a long enough new password"];
  if (name === "csv") return ["email,name,role\nnew.person@example.com,New Person,seller"];
  if (name === "token") return [ids.token];
  if (name === "videoUrl") return ["https://www.youtube.com/watch?v=dQw4w9WgXcQ"];
  if (name === "audiences") return [ids.team];
  if (name === "viewer") return [randomUUID()];
  return ["Hostile test", "Compass Mobile", "pricing"];
}

/** Values of `intent` a source file's forms send or its actions compare against. */
function intentsIn(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/name="intent" value="([^"]+)"|intent(?:"\))? ?(?:===|!==|:) ?"([a-z][a-z_-]*)"/g))
    found.add(m[1] ?? m[2]);
  // A switch on the intent: its cases (in a file that reads an intent at all).
  if (/intent/.test(source)) for (const m of source.matchAll(/case "([a-z][a-z_-]*)":/g)) found.add(m[1]);
  for (const m of source.matchAll(/intent: z\.(?:literal|enum)\(\[?([^)\]]+)/g)) {
    for (const v of m[1].matchAll(/"([^"]+)"/g)) found.add(v[1]);
  }
  return [...found];
}

/** A route's intents: its own and those of the app modules and components it imports; two it never sends. */
function intentsFor(file: string): string[] {
  const source = readFileSync(path.join(ROUTES, file), "utf8");
  const found = new Set([...intentsIn(source), "nonsense", "__proto__"]);
  for (const m of source.matchAll(/from "~\/((?:components|modules)\/[^"]+)"/g)) {
    for (const candidate of [`${m[1]}.tsx`, `${m[1]}.ts`]) {
      const full = path.resolve("app", candidate);
      if (existsSync(full)) for (const intent of intentsIn(readFileSync(full, "utf8"))) found.add(intent);
    }
  }
  return [...found];
}

/** Every field name the app's forms send. */
function formFields(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".tsx")) for (const m of readFileSync(file, "utf8").matchAll(/\bname="([a-zA-Z_.]+)"/g)) found.add(m[1]);
    }
  };
  walk(path.resolve("app"));
  found.delete("intent");
  return [...found];
}

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  $ref?: string;
};
/** The API's mutations from its description: route file → methods and their JSON bodies' schemas. */
function apiMutations(): Map<string, { method: string; schema: Schema }[]> {
  const out = new Map<string, { method: string; schema: Schema }[]>();
  for (const [address, operations] of Object.entries(openApiDocument.paths as Record<string, Record<string, unknown>>)) {
    const file = `api.v1${address.replace(/\{(\w+)\}/g, "$$$1").replace(/\//g, ".")}.ts`;
    for (const method of ["post", "put", "patch", "delete"]) {
      const op = operations[method] as { requestBody?: { content?: Record<string, { schema?: Schema }> } } | undefined;
      if (!op) continue;
      const schema = op.requestBody?.content?.["application/json"]?.schema ?? { type: "object", properties: {} };
      out.set(file, [...(out.get(file) ?? []), { method: method.toUpperCase(), schema }]);
    }
  }
  return out;
}

// Not in the API's description (the buyer's page is not /api/v1): what it reports, as its script sends it.
const BUYER_EVENTS: Schema = {
  type: "object",
  required: ["viewer", "events"],
  properties: {
    viewer: { type: "string", format: "uuid" },
    email: { type: "string" },
    events: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "type"],
        properties: {
          id: { type: "string", format: "uuid" },
          type: { enum: [...SHARE_EVENT_TYPES] },
          position: { type: "integer" },
          page: { type: "integer" },
          ms: { type: "integer" },
        },
      },
    },
  },
};

let app: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp();
  const pub = withPublishing(app);
  await seedDemo(app.db, { files: { storage: pub.storage, work: pub.files } });
  // Not waiting for the demo files' previews: no action here needs them, and they take seconds.
  const byTitle = async (title: string) => (await app.db.select({ id: items.id }).from(items).where(eq(items.title, title)))[0].id;
  ids.item = await byTitle("Atlas Platform overview deck");
  ids.pdf = await byTitle("Atlas Platform security whitepaper");
  const [seller] = await app.db.select().from(users).where(eq(users.email, PERSONAS.seller));
  ids.seller = seller.id;
  ids.user = (await app.db.select({ id: users.id }).from(users).where(eq(users.email, "wes.west@demo.test")))[0].id;
  const { share } = await createShare(app, {
    user: { id: seller.id, email: seller.email, name: seller.name, role: seller.role, teamId: seller.teamId, leadsTeamIds: [] },
    input: { itemIds: [ids.pdf, ids.item], allowDownload: true },
  });
  ids.share = share.id;
  ids.token = share.token;
  // The buyer's routes get a link of their own, behind the email gate: the seller's bodies above may
  // revoke the first one (DELETE /api/v1/shares/:id) before the buyer's routes' turn.
  const gated = await createShare(app, {
    user: { id: seller.id, email: seller.email, name: seller.name, role: seller.role, teamId: seller.teamId, leadsTeamIds: [] },
    input: { itemIds: [ids.pdf], allowDownload: true, requireEmail: true },
  });
  ids.buyerToken = gated.share.token;
  ids.team = seller.teamId!;
  ids.tag = (await app.db.select({ id: tags.id }).from(tags).limit(1))[0].id;
  ids.rating = (await app.db.select({ id: ratings.id }).from(ratings).limit(1))[0].id;
  ids.request = (await app.db.select({ id: contentRequests.id }).from(contentRequests).limit(1))[0].id;
  ids.notification = String((await notify(app.db, { to: seller.id, kind: "share_opened", title: "Hostile" }))[0]);
}, 120_000);
afterAll(() => app?.close());

/** The demo people as seeded: an admin's generated body may change a role or deactivate someone. */
async function restorePersonas() {
  const cookies = { anon: "" } as Record<Persona | "anon", string>;
  for (const [persona, email] of Object.entries(PERSONAS) as [Persona, string][]) {
    const [u] = await app.db.update(users).set({ role: persona, active: true }).where(eq(users.email, email)).returning({ id: users.id });
    cookies[persona] = await cookieFor(app, u.id);
  }
  return cookies;
}

function paramsFor(file: string): Record<string, string> {
  const params: Record<string, string> = {};
  if (file.includes("$id")) {
    params.id = file.includes("shares")
      ? ids.share
      : file.includes("users")
        ? ids.user
        : file.includes("notifications")
          ? ids.notification
          : ids.item;
  }
  if (file.includes("$token")) params.token = file.startsWith("s.") ? ids.buyerToken : "a".repeat(43);
  if (file.includes("$.")) params["*"] = "nothing/here";
  return params;
}

const nastyString = (extra: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 3, arbitrary: fc.constantFrom(...WORDS, ...extra) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: "binary" }) },
  );

type Body = { kind: "form"; fields: [string, string][] } | { kind: "json"; method: string; text: string };

/** Every form field the app knows with a plausible value, one to three of them hostile or missing. */
function formBodies(fields: string[], intentValues: string[], extra: string[]): Body[] {
  const arb = fc.record({
    intent: fc.option(fc.constantFrom(...intentValues), { nil: undefined, freq: 8 }),
    base: fc.tuple(...fields.map((f) => fc.constantFrom(...plausibleFor(f)))),
    spoiled: fc.array(fc.tuple(fc.nat(fields.length - 1), fc.option(nastyString(extra), { nil: undefined, freq: 6 })), {
      minLength: 1,
      maxLength: 3,
    }),
  });
  return fc.sample(arb, { seed: SEED, numRuns: RUNS }).map(({ intent, base, spoiled }) => {
    const values = new Map<string, string | undefined>(fields.map((f, i) => [f, base[i]]));
    for (const [i, value] of spoiled) values.set(fields[i], value);
    const pairs = [...values].filter((p): p is [string, string] => p[1] !== undefined);
    return { kind: "form" as const, fields: intent === undefined ? pairs : [["intent", intent] as [string, string], ...pairs] };
  });
}

/** A body as the API's description says, every value plausible. */
function fromSchema(schema: Schema, name = ""): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "object" || schema.properties) {
    const props = schema.properties ?? {};
    const keys = Object.keys(props);
    const required = new Set(schema.required ?? []);
    // Every key, most of the time: the spoils below remove some.
    return fc.oneof(
      { weight: 3, arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(props[k], k)]))) },
      {
        weight: 1,
        arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, fromSchema(props[k], k)])), {
          requiredKeys: keys.filter((k) => required.has(k)),
        }),
      },
    );
  }
  if (type === "array") return fc.array(fromSchema(schema.items ?? {}, name), { minLength: 1, maxLength: 4 });
  if (type === "integer") return fc.constantFrom(...plausibleFor(name).map(Number).filter(Number.isFinite), 1);
  if (type === "boolean") return fc.boolean();
  return fc.constantFrom(...plausibleFor(name));
}

/** Up to two of a body's values, anywhere in it, replaced by something hostile or removed. */
function spoil(value: unknown, spoils: [number, unknown][]): unknown {
  const leaves: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        leaves.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(k) : k });
        walk(x);
      }
    }
  };
  walk(value);
  for (const [i, replacement] of spoils) {
    if (leaves.length === 0) return replacement;
    const { parent, key } = leaves[i % leaves.length];
    if (replacement === DELETE && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key];
    else (parent as Record<string | number, unknown>)[key] = replacement === DELETE ? null : replacement;
  }
  return value;
}
const DELETE = Symbol("delete");

function jsonBodies(operations: { method: string; schema: Schema }[], extra: string[]): Body[] {
  const nasty = fc.oneof(
    { weight: 4, arbitrary: nastyString(extra) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(-1, 1.5, 1e308, 2 ** 53 + 1, true, null, [], {}, DELETE) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );
  const raw = fc.oneof(
    fc.constantFrom("", "{", "nul", '{"a":1}{', "[".repeat(5000) + "]".repeat(5000), '"\\ud800"', '{"x":"\\u0000"}', "1e999"),
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  );
  const shaped = (schema: Schema) =>
    fc
      .tuple(fromSchema(schema), fc.array(fc.tuple(fc.nat(), nasty), { maxLength: 2 }))
      .map(([body, spoils]) => JSON.stringify(spoil(body, spoils)) ?? "");
  const arb = fc.constantFrom(...operations).chain((op) =>
    fc.record({
      method: fc.constant(op.method),
      text: fc.oneof({ weight: 8, arbitrary: shaped(op.schema) }, { weight: 1, arbitrary: raw }),
    }),
  );
  return fc.sample(arb, { seed: SEED, numRuns: RUNS }).map((b) => ({ kind: "json" as const, ...b }));
}

function requestFor(address: string, body: Body, cookie: string): Request {
  const url = new URL(address, "http://localhost");
  if (body.kind === "form") {
    const form = new URLSearchParams(body.fields);
    return new Request(url, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
  }
  return new Request(url, {
    method: body.method,
    headers: { Cookie: cookie, "Content-Type": "application/json" },
    body: body.text,
  });
}

describe("hostile bodies for every action", () => {
  const files = readdirSync(ROUTES)
    .filter((f) => /export (async function|const) action\b/.test(readFileSync(path.join(ROUTES, f), "utf8")))
    .sort();
  const api = apiMutations();
  const fields = formFields();
  // Actions that carried out at least one generated body: the bodies reach past the first check.
  const reached = new Set<string>();

  it("finds the actions, their fields and the API's bodies", () => {
    expect(files.length).toBeGreaterThan(40);
    expect(fields).toEqual(expect.arrayContaining(["title", "email", "expiresAt", "itemIds", "tags"]));
    expect(intentsFor("_app.library.tsx")).toEqual(expect.arrayContaining(["undo", "tag_add", "expiry"]));
    expect(intentsFor("_app.admin._index.tsx")).toEqual(expect.arrayContaining(["create-user", "update-user"]));
    expect(Object.keys(api.get("api.v1.items.ts")?.[0].schema.properties ?? {})).toEqual(expect.arrayContaining(["title", "type"]));
  });

  for (const file of files) {
    it(`${file}: never a 500, whoever sends it`, async () => {
      const mod = await import(`../../app/routes/${file}`);
      const params = paramsFor(file);
      const address = routeAddress(file, (p) => ({ $id: params.id, $token: params.token, $: params["*"] })[p] ?? null)!;
      const extra = Object.values(ids).concat(randomUUID());
      const source = readFileSync(path.join(ROUTES, file), "utf8");
      const isJson = file.startsWith("api.") || /readJson\(/.test(source);
      const described = api.get(file);
      const bodies = isJson
        ? jsonBodies(described ?? [{ method: "POST", schema: BUYER_EVENTS }], extra)
        : formBodies(fields, intentsFor(file), extra);
      const failures: string[] = [];
      // Public actions (sign-in, invitations, resets, the buyer's page) are for people not signed in; one
      // signed-in seller as well. The others for each role that has pages with forms.
      const isPublic = !/require(Api)?User\(/.test(source);
      for (const persona of isPublic ? (["anon", "seller"] as const) : (Object.keys(PERSONAS) as Persona[])) {
        const cookies = await restorePersonas();
        for (const body of bodies) {
          const shown = JSON.stringify(body.kind === "form" ? body.fields : `${body.method} ${body.text}`).slice(0, 400);
          try {
            const result = await respond(() => mod.action(routeArgs(app, requestFor(address, body, cookies[persona]), params)));
            const status = statusOf(result);
            if (status < 400) reached.add(file);
            if (status >= 500) failures.push(`${persona} got ${status} for ${shown}`);
            else if (isJson && status >= 400 && result instanceof Response) {
              const error = ((await result.json().catch(() => null)) as { error?: { message?: unknown } } | null)?.error;
              if (typeof error?.message !== "string" || error.message === "")
                failures.push(`${persona} got ${status} without a message for ${shown}`);
            }
          } catch (thrown) {
            failures.push(`${persona} threw ${String(thrown).slice(0, 200)} for ${shown}`);
          }
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }

  it("gets past validation into the work itself for most actions, not only their refusals", () => {
    // Without plausible values (plausibleFor) and each route's own intents, nearly every body was a 400
    // and the test said little about the code behind the checks.
    expect(reached.size).toBeGreaterThanOrEqual(20);
  });
});
