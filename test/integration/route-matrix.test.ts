// The role × route matrix: every route file in app/routes × (anonymous, seller, seller of another team,
// marketer, manager, admin) → the answer that role must get. A route file without an entry here fails,
// so a new route cannot ship without someone deciding who may use it.
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "~/modules/demo/seed.server";
import { createShare } from "~/modules/shares/shares.server";
import { items, users } from "@/db/schema";
import { type Role } from "@/vocabulary/people";
import { type TestApp, cookieFor, createTestApp, createUser, request, respond, routeArgs } from "../setup/app";
import { notify } from "~/modules/notifications/notify.server";
import { withPublishing } from "../setup/publishing";

type Persona = "anon" | "seller" | "otherSeller" | "marketer" | "manager" | "admin";
/** "ok": authorised (any answer but 401, 403, a 404 for an item outside the audience, or a sign-in redirect). */
type Expect = "ok" | "login" | 401 | 403 | 404 | 405 | "server error";
type Row = Record<Persona, Expect>;
type Call = { method?: string; path?: string; json?: unknown; form?: Record<string, string>; expect: Row };
/** `loader: "405"`: an action-only API path whose GET answers 405 Method Not Allowed for everyone. */
type Entry = { path: string; loader?: Row | Call | "405"; action?: Call; restricted?: Row } | "public";
const NO_GET = "405" as const;

const PERSONAS: Persona[] = ["anon", "seller", "otherSeller", "marketer", "manager", "admin"];
const ROLE_OF: Record<Exclude<Persona, "anon">, Role> = {
  seller: "seller",
  otherSeller: "seller",
  marketer: "marketer",
  manager: "manager",
  admin: "admin",
};

const row = (anon: Expect, allowed: Role[] | "all", denied: Expect = 403): Row =>
  Object.fromEntries(
    PERSONAS.map((p) => [
      p,
      p === "anon" ? anon : allowed === "all" || allowed.includes(ROLE_OF[p as Exclude<Persona, "anon">]) ? "ok" : denied,
    ]),
  ) as Row;
const page = (allowed: Role[] | "all" = "all") => row("login", allowed);
const api = (allowed: Role[] | "all" = "all") => row(401, allowed);
/** An item only Field West may see: the demo seller (Field East) must get 404, as if it did not exist. */
const restrictedPage: Row = { anon: "login", seller: 404, otherSeller: "ok", marketer: "ok", manager: "ok", admin: "ok" };
const restrictedApi: Row = { ...restrictedPage, anon: 401 };
const DESK: Role[] = ["marketer", "manager", "admin"];
/** A share belongs to the demo seller alone: everyone else gets 404, as if it did not exist. */
const ownSharePage: Row = { anon: "login", seller: "ok", otherSeller: 404, marketer: 404, manager: 404, admin: 404 };
const ownShareApi: Row = { ...ownSharePage, anon: 401 };
/** The buyer's pages need no account: the token is the key, the same for everyone. */
const buyer: Row = row("ok", "all");
const EDITORS: Role[] = ["marketer", "admin"];

// ":item" is a published item everyone may see; ":restricted" the Field West-only item.
const MATRIX: Record<string, Entry> = {
  "$.tsx": "public",
  "_index.tsx": "public",
  "login.tsx": "public",
  "logout.tsx": "public",
  "healthz.ts": "public",
  "manifest[.]webmanifest.ts": "public",
  "api.v1.openapi[.]json.ts": "public",
  "api.v1.$.ts": "public",
  "api.v1.session.ts": "public",
  // Anyone may use a link; what it can do is bounded by the token (tested in invitations/password-reset tests).
  "invite.$token.tsx": "public",
  "forgot-password.tsx": "public",
  "reset-password.$token.tsx": "public",
  "api.v1.invitations.$token.accept.ts": "public",
  "api.v1.password-resets.ts": "public",
  "api.v1.password-resets.$token.ts": "public",
  // Single sign-on: the provider decides who you are (test/e2e/oidc.test.ts); 404 when not configured.
  "auth.oidc.tsx": "public",
  "auth.oidc_.callback.tsx": "public",
  "_app.tsx": { path: "/home", loader: page() },
  "_app.home.tsx": { path: "/home", loader: page() },
  // API tokens are for the desk roles: a seller's create is refused (the page itself is everyone's).
  "_app.me.tsx": { path: "/me", loader: page(), action: { form: { intent: "create-token", name: "matrix" }, expect: page(DESK) } },
  "_app.saved.tsx": { path: "/saved", loader: page() },
  "_app.search._index.tsx": { path: "/search?q=pricing", loader: page() },
  "_app.search.go.tsx": { path: "/search/go?item=:item&q=x&pos=1", loader: page() },
  "_app.search.synonyms.tsx": {
    path: "/search/synonyms",
    loader: page(EDITORS),
    action: { form: { intent: "add", terms: "mql, marketing qualified lead" }, expect: page(EDITORS) },
  },
  "_app.requests._index.tsx": { path: "/requests", loader: page() },
  "_app.requests.new.tsx": { path: "/requests/new", loader: page(), action: { form: { text: "A matrix request" }, expect: page() } },
  "_app.items.$id.tsx": {
    path: "/items/:item",
    loader: page(),
    restricted: restrictedPage,
    // Publishing what is already published: authorised roles get a conflict, nothing changes.
    action: { form: { intent: "transition", to: "published" }, expect: page(EDITORS) },
  },
  // GET only redirects to the item page, which does its own check.
  "_app.items.$id.feedback.tsx": {
    path: "/items/:item/feedback",
    loader: row("ok", "all"),
    action: { form: { useful: "yes" }, expect: page() },
  },
  // GET only goes back to the item page; marking "not for buyers" is for editors.
  "_app.items.$id.buyers.tsx": {
    path: "/items/:item/buyers",
    loader: row("ok", "all"),
    action: { form: { notForBuyers: "false" }, expect: page(EDITORS) },
  },
  "_app.items.$id_.edit.tsx": { path: "/items/:item/edit", loader: page(EDITORS), action: { form: { title: "" }, expect: page(EDITORS) } },
  "_app.library.tsx": { path: "/library", loader: page(DESK), action: { form: { intent: "verify" }, expect: page(EDITORS) } },
  "_app.review.tsx": { path: "/review", loader: page(EDITORS) },
  "_app.tags.ts": { path: "/tags?q=be", loader: page(DESK) },
  "_app.publish.tsx": { path: "/publish", loader: page(EDITORS) },
  "_app.publish._index.tsx": { path: "/publish", loader: page(EDITORS), action: { form: { title: "" }, expect: page(EDITORS) } },
  "_app.publish.message.tsx": { path: "/publish/message", loader: page(EDITORS), action: { form: { title: "" }, expect: page(EDITORS) } },
  "_app.publish.preview.tsx": { path: "/publish/preview", action: { form: { body: "# Hi" }, expect: page(EDITORS) } },
  "_app.feedback.tsx": { path: "/feedback", loader: page(EDITORS), action: { form: { intent: "reply" }, expect: page(EDITORS) } },
  "_app.feedback_.requests.tsx": {
    path: "/feedback/requests",
    loader: page(EDITORS),
    action: { form: { intent: "update-request" }, expect: page(EDITORS) },
  },
  "_app.insights._index.tsx": { path: "/insights", loader: page(DESK) },
  "_app.insights.export.tsx": { path: "/insights/export?table=items", loader: page(DESK) },
  "_app.insights.sellers.tsx": { path: "/insights/sellers", loader: page(["manager", "admin"]) },
  // The demo seller is in Field East, which the demo manager leads.
  "_app.insights.sellers_.$id.tsx": { path: "/insights/sellers/:seller", loader: page(["manager", "admin"]) },
  "_app.insights.items.$id.tsx": { path: "/insights/items/:item", loader: page(DESK) },
  "_app.insights.items.$id.export.tsx": { path: "/insights/items/:item/export", loader: page(DESK) },
  "_app.alignment.tsx": { path: "/alignment", loader: page(DESK) },
  "_app.admin._index.tsx": {
    path: "/admin",
    loader: page(["admin"]),
    action: { form: { intent: "create-team", name: "" }, expect: page(["admin"]) },
  },
  "_app.admin.audit.tsx": { path: "/admin/audit", loader: page(["admin"]) },
  "_app.admin.invitations.tsx": {
    path: "/admin/invitations",
    loader: page(["admin"]),
    action: { form: { intent: "invite", email: "" }, expect: page(["admin"]) },
  },
  "_app.admin.mail.tsx": { path: "/admin/mail", loader: page(["admin"]) },
  // A made-up tag: admins get "no longer exists" after authorisation; everyone else is refused first.
  "_app.admin.tags.tsx": {
    path: "/admin/tags",
    loader: page(["admin"]),
    action: { form: { intent: "delete", tagId: ":uuid" }, expect: page(["admin"]) },
  },
  "admin.audit[.]csv.ts": { path: "/admin/audit.csv", loader: page(["admin"]) },
  "api.v1.me.ts": { path: "/api/v1/me", loader: api() },
  "api.v1.search.ts": { path: "/api/v1/search?q=pricing", loader: api() },
  "api.v1.sync.ts": { path: "/api/v1/sync", loader: api() },
  "api.v1.events.ts": { path: "/api/v1/events", loader: NO_GET, action: { json: [], expect: api() } },
  "api.v1.requests.ts": {
    path: "/api/v1/requests",
    loader: api(),
    action: { json: { text: "A matrix request via the API" }, expect: api() },
  },
  "api.v1.items.ts": { path: "/api/v1/items", loader: NO_GET, action: { json: { type: "definition", title: "" }, expect: api(EDITORS) } },
  "api.v1.items.$id.ts": {
    path: "/api/v1/items/:item",
    loader: api(),
    restricted: restrictedApi,
    action: { method: "PATCH", json: { revision: 0 }, expect: api(EDITORS) },
  },
  "api.v1.items.$id.file.ts": { path: "/api/v1/items/:item/file", loader: api(), restricted: restrictedApi },
  "api.v1.items.$id.previews.$n.ts": { path: "/api/v1/items/:pdf/previews/1", loader: api(), restricted: restrictedApi },
  "api.v1.items.$id.versions.ts": { path: "/api/v1/items/:item/versions", loader: NO_GET, action: { json: {}, expect: api(EDITORS) } },
  "api.v1.items.$id.transition.ts": {
    path: "/api/v1/items/:item/transition",
    loader: NO_GET,
    action: { json: { to: "published" }, expect: api(EDITORS) },
  },
  "api.v1.items.$id.rating.ts": {
    path: "/api/v1/items/:item/rating",
    loader: NO_GET,
    restricted: restrictedApi,
    action: { method: "PUT", json: { useful: true }, expect: api() },
  },
  "api.v1.insights.items.ts": { path: "/api/v1/insights/items", loader: api(DESK) },
  "api.v1.insights.adoption.ts": { path: "/api/v1/insights/adoption", loader: api(["manager", "admin"]) },
  "_app.shares._index.tsx": { path: "/shares", loader: page() },
  "_app.shares.new.tsx": { path: "/shares/new?item=:item", loader: page(), action: { form: { itemIds: ":item" }, expect: page() } },
  "_app.shares.$id.tsx": {
    path: "/shares/:share",
    loader: ownSharePage,
    action: { form: { intent: "extend", days: "30" }, expect: ownSharePage },
  },
  "api.v1.shares.ts": { path: "/api/v1/shares", loader: api(), action: { json: { itemIds: [":item"] }, expect: api() } },
  "api.v1.shares.$id.ts": {
    path: "/api/v1/shares/:share",
    loader: ownShareApi,
    action: { method: "PATCH", json: { expiresAt: ":future" }, expect: ownShareApi },
  },
  "api.v1.shares.$id.items.ts": {
    path: "/api/v1/shares/:share/items",
    loader: NO_GET,
    action: { json: { itemIds: [":item"] }, expect: ownShareApi },
  },
  "api.v1.shares.$id.items.$position.ts": {
    // A position the share does not hold: the owner gets 400, the buyer routes below keep item 1.
    path: "/api/v1/shares/:share/items/9",
    loader: NO_GET,
    action: { method: "DELETE", expect: ownShareApi },
  },
  "s.$token.ts": { path: "/s/:token", loader: buyer, action: { form: { email: "buyer@example.test" }, expect: buyer } },
  "s.$token_.items.$n.pages.$p.ts": { path: "/s/:token/items/1/pages/1", loader: buyer },
  "s.$token_.items.$n.file.ts": { path: "/s/:token/items/1/file", loader: buyer },
  "s.$token_.events.ts": {
    path: "/s/:token/events",
    loader: NO_GET,
    action: { json: { viewer: ":uuid", events: [{ id: ":uuid", type: "open" }] }, expect: buyer },
  },
  "api.v1.users.ts": { path: "/api/v1/users", loader: api(["admin"]), action: { json: {}, expect: api(["admin"]) } },
  "api.v1.invitations.ts": { path: "/api/v1/invitations", loader: api(["admin"]), action: { json: {}, expect: api(["admin"]) } },
  "api.v1.mail.ts": { path: "/api/v1/mail", loader: api(["admin"]) },
  "api.v1.users.$id.ts": { path: "/api/v1/users/:user", loader: NO_GET, action: { method: "PATCH", json: {}, expect: api(["admin"]) } },
  // Notifications are each person's own: everyone signed in has a list; another's notification is a 404.
  "_app.notifications.tsx": { path: "/notifications", loader: page(), action: { form: {}, expect: page() } },
  "_app.notifications.$id.tsx": {
    path: "/notifications/:notification",
    loader: { ...row("login", []), seller: 404, otherSeller: 404, marketer: 404, manager: 404, admin: 404 },
  },
  "api.v1.notifications.ts": { path: "/api/v1/notifications", loader: api() },
  "api.v1.notifications.read.ts": { path: "/api/v1/notifications/read", loader: NO_GET, action: { json: { all: true }, expect: api() } },
  "api.v1.me.notifications.ts": {
    path: "/api/v1/me/notifications",
    loader: api(),
    action: { method: "PUT", json: { prefs: {} }, expect: api() },
  },
  "api.v1.me.push-subscriptions.ts": {
    path: "/api/v1/me/push-subscriptions",
    loader: api(),
    action: { method: "DELETE", json: {}, expect: api() },
  },
};

let app: TestApp;
const cookies: Partial<Record<Persona, string>> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp();
  const pub = withPublishing(app);
  await seedDemo(app.db, { files: { storage: pub.storage, work: pub.files } });
  await pub.jobs.runUntilIdle();
  const email: Record<Exclude<Persona, "anon">, string> = {
    seller: "seller@demo.test",
    otherSeller: "wes.west@demo.test",
    marketer: "marketer@demo.test",
    manager: "manager@demo.test",
    admin: "admin@demo.test",
  };
  for (const [persona, address] of Object.entries(email)) {
    const [u] = await app.db.select({ id: users.id }).from(users).where(eq(users.email, address));
    cookies[persona as Persona] = await cookieFor(app, u.id);
  }
  const byTitle = async (title: string) => (await app.db.select({ id: items.id }).from(items).where(eq(items.title, title)))[0].id;
  ids.item = await byTitle("Atlas Platform overview deck");
  ids.restricted = await byTitle("West region partner pricing sheet");
  // A document everyone may see that has page previews (the deck above is PPTX: no page images).
  ids.pdf = await byTitle("Atlas Platform security whitepaper");
  ids.user = (await app.db.select({ id: users.id }).from(users).where(eq(users.email, "wes.west@demo.test")))[0].id;
  const [seller] = await app.db.select().from(users).where(eq(users.email, "seller@demo.test"));
  const { share } = await createShare(app, {
    user: { id: seller.id, email: seller.email, name: seller.name, role: seller.role, teamId: seller.teamId, leadsTeamIds: [] },
    input: { itemIds: [ids.pdf, ids.item], allowDownload: true },
  });
  ids.share = share.id;
  ids.seller = seller.id;
  ids.token = share.token;
  // Someone else's notification: every persona must get 404 for it (opening one's own is tested in notifications-pages.test.ts).
  const stranger = await createUser(app);
  ids.notification = String((await notify(app.db, { to: stranger.id, kind: "share_opened", title: "Matrix" }))[0]);
}, 120_000);
afterAll(() => app.close());

function classify(result: unknown): { status: number; location?: string } {
  if (result instanceof Response) return { status: result.status, location: result.headers.get("location") ?? undefined };
  const init = (result as { init?: ResponseInit | null } | null)?.init;
  if (result && typeof result === "object" && "type" in result && (result as { type: string }).type === "DataWithResponseInit") {
    return { status: init?.status ?? 200 };
  }
  return { status: 200 };
}

function verdict({ status, location }: { status: number; location?: string }, kind: "loader" | "action", want: Expect): Expect {
  if (status >= 500) return "server error";
  if (status === 302 && location?.startsWith("/login")) return "login";
  if (status === 401 || status === 403 || status === 405) return status;
  // Actions here carry made-up payloads: "no such reply" after authorisation passed is fine.
  if (status === 404) return kind === "action" && want === "ok" ? "ok" : 404;
  return "ok";
}

async function call(file: string, kind: "loader" | "action", path: string, persona: Persona, c?: Omit<Call, "expect">) {
  const mod = await import(`../../app/routes/${file}`);
  const url = path
    .replace(":item", ids.item)
    .replace(":pdf", ids.pdf)
    .replace(":restricted", ids.restricted)
    .replace(":user", ids.user)
    .replace(":seller", ids.seller)
    .replace(":share", ids.share)
    .replace(":token", ids.token)
    .replace(":notification", ids.notification);
  const params: Record<string, string> = {};
  const m = /\/(?:items|shares|sellers)\/([0-9a-f-]{36})/.exec(url);
  if (m) params.id = m[1];
  const buyerPath = /^\/s\/([A-Za-z0-9_-]{43})(?:\/items\/(\d+)(?:\/pages\/(\d+))?)?/.exec(url);
  if (buyerPath)
    Object.assign(params, {
      token: buyerPath[1],
      ...(buyerPath[2] ? { n: buyerPath[2] } : {}),
      ...(buyerPath[3] ? { p: buyerPath[3] } : {}),
    });
  if (file.includes("users.$id")) params.id = ids.user;
  if (file.includes("previews.$n")) params.n = "1";
  if (file.includes("items.$position")) params.position = url.split("/").pop()!;
  if (file.includes("notifications.$id")) params.id = ids.notification;
  const method = kind === "loader" ? "GET" : (c?.method ?? "POST");
  const fill = (v: unknown): unknown =>
    typeof v === "string"
      ? v === ":uuid"
        ? randomUUID()
        : v === ":future"
          ? new Date(Date.now() + 7 * 86_400_000).toISOString()
          : v.replace(":item", ids.item)
      : Array.isArray(v)
        ? v.map(fill)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]))
          : v;
  const form = c?.form ? (fill(c.form) as Record<string, string>) : undefined;
  const req = request(url, { method, cookie: cookies[persona], json: fill(c?.json), form });
  return classify(await respond(() => mod[kind](routeArgs(app, req, params))));
}

describe("role × route matrix", () => {
  const files = readdirSync("app/routes").sort();

  it("has an entry for every route file, and no entry for a file that is gone", () => {
    expect(files.filter((f) => !(f in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((f) => !files.includes(f))).toEqual([]);
  });

  for (const file of files) {
    const entry = MATRIX[file];
    if (!entry || entry === "public") continue;
    it(`${file}: every role gets the answer it should`, async () => {
      const mod = await import(`../../app/routes/${file}`);
      expect(Boolean(mod.loader), `${file} loader covered`).toBe(Boolean(entry.loader));
      expect(Boolean(mod.action), `${file} action covered`).toBe(Boolean(entry.action));
      const got: Record<string, Expect> = {};
      const want: Record<string, Expect> = {};
      for (const persona of PERSONAS) {
        if (entry.loader) {
          const loader: Call =
            entry.loader === NO_GET
              ? { expect: row(405, "all", 405) }
              : "expect" in entry.loader
                ? (entry.loader as Call)
                : { expect: entry.loader as Row };
          if (entry.loader === NO_GET) loader.expect = Object.fromEntries(PERSONAS.map((p) => [p, 405])) as Row;
          want[`GET ${persona}`] = loader.expect[persona];
          got[`GET ${persona}`] = verdict(await call(file, "loader", loader.path ?? entry.path, persona), "loader", want[`GET ${persona}`]);
        }
        if (entry.restricted) {
          const kind = entry.loader && entry.loader !== NO_GET ? "loader" : "action";
          const c = kind === "action" ? entry.action : undefined;
          want[`restricted ${persona}`] = entry.restricted[persona];
          const restrictedPath = entry.path.replace(":item", ":restricted").replace(":pdf", ":restricted");
          got[`restricted ${persona}`] = verdict(await call(file, kind, restrictedPath, persona, c), kind, want[`restricted ${persona}`]);
        }
        if (entry.action) {
          const key = `${entry.action.method ?? "POST"} ${persona}`;
          want[key] = entry.action.expect[persona];
          got[key] = verdict(await call(file, "action", entry.action.path ?? entry.path, persona, entry.action), "action", want[key]);
        }
      }
      const diff = Object.keys(want)
        .filter((k) => got[k] !== want[k])
        .map((k) => `${k}: got ${got[k]}, want ${want[k]}`);
      expect(diff).toEqual([]);
    });
  }
});
