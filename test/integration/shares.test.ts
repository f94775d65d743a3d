// Buyer shares against a real database and the demo library: the API (idempotent create, audit, extend,
// revoke), what may be shared, the anonymous buyer's page and what it can reach, and engagement.
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as sharesApi, loader as listSharesApi } from "~/routes/api.v1.shares";
import { action as shareApi, loader as getShareApi } from "~/routes/api.v1.shares.$id";
import { action as shareItemsApi, loader as shareItemsGet } from "~/routes/api.v1.shares.$id.items";
import { action as shareItemApi } from "~/routes/api.v1.shares.$id.items.$position";
import { action as buyerAction, loader as buyerPage } from "~/routes/s.$token";
import { loader as buyerPreview } from "~/routes/s.$token_.items.$n.pages.$p";
import { loader as buyerFile } from "~/routes/s.$token_.items.$n.file";
import { action as buyerEvents } from "~/routes/s.$token_.events";
import { action as newShareAction, loader as newSharePage } from "~/routes/_app.shares.new";
import { action as sharePageAction, loader as sharePage } from "~/routes/_app.shares.$id";
import { buyerTitle } from "@/vocabulary/shares";
import { pickItems } from "~/modules/search/search.server";
import { loader as mySharesPage } from "~/routes/_app.shares._index";
import { buyerInsightsForItem, pageRanges } from "~/modules/shares/engagement.server";
import { setNotForBuyers } from "~/modules/shares/not-for-buyers.server";
import { itemInsights } from "~/modules/insights/item-insights.server";
import { itemsCsv } from "~/modules/insights/export.server";
import { seedDemo } from "~/modules/demo/seed.server";
import { auditLog, items, searchQueries, users } from "@/db/schema";
import { cookieFor, createTestApp, request, respond, statusOf, type TestApp } from "../setup/app";
import { sessionUser } from "../setup/feedback";
import { withPublishing } from "../setup/publishing";

let app: TestApp;
const ids: Record<string, string> = {};
const cookies: Record<string, string> = {};
const people: Record<string, ReturnType<typeof sessionUser>> = {};
const CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
let ipCounter = 0;

beforeAll(async () => {
  app = await createTestApp();
  const pub = withPublishing(app);
  await seedDemo(app.db, { files: { storage: pub.storage, work: pub.files } });
  await pub.jobs.runUntilIdle();
  for (const [who, email] of Object.entries({ seller: "seller@demo.test", west: "wes.west@demo.test", marketer: "marketer@demo.test" })) {
    const [u] = await app.db.select().from(users).where(eq(users.email, email));
    people[who] = sessionUser(u);
    cookies[who] = await cookieFor(app, u.id);
  }
  const byTitle = async (title: string) => (await app.db.select({ id: items.id }).from(items).where(eq(items.title, title)))[0].id;
  ids.deck = await byTitle("Beacon Analytics overview deck");
  ids.onePager = await byTitle("Beacon Analytics one-pager");
  ids.pdf = await byTitle("Atlas Platform security whitepaper");
  ids.restricted = await byTitle("West region partner pricing sheet");
  ids.battle = await byTitle("Beacon Analytics vs Contoso Insight battle card");
  ids.draft = await byTitle("EMEA launch deck (draft)");
  ids.talk = await byTitle("Beacon Analytics discovery talk track");
  await setNotForBuyers(app.db, { user: people.marketer, itemId: ids.battle, notForBuyers: true });
  // Search finds items to add to a share.
  await app.services.search!.bootstrap();
}, 180_000);
afterAll(() => app.close());

/** Each call a context of its own, with its own client address, so rate limits only bite where a test wants them. */
function ctx(ip = `10.0.0.${++ipCounter}`) {
  return { app: { ...app, clientAddress: ip }, cspNonce: "test-nonce" };
}
const call = async (fn: (a: never) => unknown, req: Request, params: Record<string, string> = {}, context = ctx()) =>
  (await respond(() => fn({ request: req, params, context } as never))) as Response;

async function create(json: Record<string, unknown>, who = "seller") {
  const res = await call(sharesApi, request("/api/v1/shares", { method: "POST", cookie: cookies[who], json }));
  return { res, body: (await res.json()) as any };
}
const tokenOf = (url: string) => new URL(url).pathname.split("/")[2];
const buyerGet = (token: string, ua = CHROME, cookie?: string, context = ctx()) =>
  call(buyerPage, request(`/s/${token}`, { headers: { "user-agent": ua }, cookie }), { token }, context);
const report = (token: string, body: unknown, ua = CHROME) =>
  call(buyerEvents, request(`/s/${token}/events`, { method: "POST", json: body, headers: { "user-agent": ua } }), { token });

describe("creating shares", () => {
  it("answers a share with an unguessable /s/<token> link, stores a re-sent id once, and audits it", async () => {
    const id = randomUUID();
    const first = await create({
      id,
      itemIds: [ids.deck, ids.onePager],
      recipientName: "Dana Buyer",
      recipientEmail: "Dana@Example.test",
      note: "As promised",
    });
    expect(first.res.status).toBe(201);
    expect(first.body.share).toMatchObject({
      id,
      status: "active",
      recipientEmail: "dana@example.test",
      allowDownload: false,
      requireEmail: false,
    });
    expect(first.body.share.url).toMatch(/^http:\/\/localhost\/s\/[A-Za-z0-9_-]{43}$/);
    expect(first.body.share.items.map((i: any) => i.id)).toEqual([ids.deck, ids.onePager]);
    // Default expiry: 30 days.
    const days = (new Date(first.body.share.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
    const again = await create({ id, itemIds: [ids.deck] });
    expect(again.res.status).toBe(200);
    expect(again.body.share.url).toBe(first.body.share.url);
    const mine = (await (await call(listSharesApi, request("/api/v1/shares", { cookie: cookies.seller }))).json()) as any;
    expect(mine.shares.filter((s: any) => s.id === id)).toHaveLength(1);
    expect((await create({ id, itemIds: [ids.deck] }, "west")).res.status).toBe(409);
    const audit = await app.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, id), eq(auditLog.action, "share.created")));
    expect(audit).toHaveLength(1);
  });

  it("keeps a token made on the device (offline), so the link copied offline is the one that goes live", async () => {
    const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
    const { res, body } = await create({ id: randomUUID(), token, itemIds: [ids.deck] });
    expect(res.status).toBe(201);
    expect(tokenOf(body.share.url)).toBe(token);
    expect((await create({ id: randomUUID(), token: "short", itemIds: [ids.deck] })).res.status).toBe(400);
  });

  it("refuses internal-only items (403), items outside the seller's audience or unpublished (404), and more than 10 items", async () => {
    const internal = await create({ itemIds: [ids.deck, ids.battle] });
    expect(internal.res.status).toBe(403);
    expect(internal.body.error.message).toMatch(/internal use only/);
    expect((await create({ itemIds: [ids.restricted] })).res.status).toBe(404);
    expect((await create({ itemIds: [ids.draft] })).res.status).toBe(404);
    expect((await create({ itemIds: Array.from({ length: 11 }, () => randomUUID()) })).res.status).toBe(400);
    // The seller of the other team may share their own team's item.
    expect((await create({ itemIds: [ids.restricted] }, "west")).res.status).toBe(201);
  });

  it("lists the caller's shares a page at a time over the API, with how many there are", async () => {
    const list = async (query: string) => call(listSharesApi, request(`/api/v1/shares${query}`, { cookie: cookies.seller }));
    const all = (await (await list("?limit=500")).json()) as any;
    expect(all.total).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    for (let page = 1; page <= all.total; page++) {
      const body = (await (await list(`?limit=1&page=${page}`)).json()) as any;
      expect(body).toMatchObject({ total: all.total, page, pages: all.total });
      seen.push(...body.shares.map((s: any) => s.id));
    }
    expect(seen).toEqual(all.shares.map((s: any) => s.id));
    for (const bad of ["?page=0", "?limit=501", "?limit=abc"]) expect((await list(bad)).status).toBe(400);
  });

  it("rate-limits creating shares per seller", async () => {
    const u = people.west;
    let status = 201;
    for (let i = 0; i < 40 && status !== 429; i++) status = (await create({ itemIds: [ids.deck] }, "west")).res.status;
    expect(status).toBe(429);
    expect(u.id).toBeTruthy();
  });

  it("offers items to add to a share by search: only those the seller may send and has not chosen, unlogged", async () => {
    type View = {
      items: { id: string; shareable: boolean }[];
      add: { q: string; hits: { id: string }[]; error: string | null } | null;
      draftKey: string;
    };
    const page = async (query: Record<string, string | string[]>) => {
      const params = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => [v].flat().map((one) => [k, one])));
      return (await call(newSharePage, request(`/shares/new?${params}`, { cookie: cookies.seller }))) as unknown as View;
    };
    const offered = async (q: string, item: string[] = []) => (await page({ q, item })).add!.hits.map((h) => h.id);
    const logged = async () => (await app.db.select({ n: sql<number>`count(*)::int` }).from(searchQueries))[0].n;
    const before = await logged();
    const beacon = await offered("beacon", [ids.deck]);
    expect(beacon).toContain(ids.onePager);
    expect(beacon).not.toContain(ids.deck);
    expect(beacon.length).toBeLessThanOrEqual(6);
    // The battle card is found by the seller's search but kept internal by marketing: not offered.
    expect((await pickItems(app, people.seller, "contoso", 30)).map((h) => h.id)).toContain(ids.battle);
    expect(await offered("contoso")).not.toContain(ids.battle);
    // West's pricing sheet is outside this seller's audience, the launch deck a draft.
    expect(await offered("partner pricing sheet")).not.toContain(ids.restricted);
    expect(await offered("EMEA launch deck")).not.toContain(ids.draft);
    // A query too long is said beside the field; the items chosen stay.
    const long = await page({ q: "x".repeat(300), item: ids.deck });
    expect(long.add).toMatchObject({ hits: [], error: expect.stringMatching(/at most 200 characters/) });
    expect(long.items.map((i) => i.id)).toEqual([ids.deck]);
    expect((await page({ item: ids.deck })).add).toBeNull();
    // Items added since the page began are in its address as `add`: read back, checked like the others,
    // the kept draft still keyed by the first ones.
    const grown = await page({ item: ids.deck, add: [ids.onePager, ids.deck, ids.battle, ids.restricted] });
    expect(grown.items.map((i) => [i.id, i.shareable])).toEqual([
      [ids.deck, true],
      [ids.onePager, true],
      [ids.battle, false],
    ]);
    expect(grown.draftKey).toBe(ids.deck);
    // Choosing among items is not a library search: marketing's search report does not count it.
    expect(await logged()).toBe(before);
  });

  it("creates a share from the plain form (no JavaScript) and sends the seller to it", async () => {
    const form = new URLSearchParams({
      id: randomUUID(),
      itemIds: ids.onePager,
      days: "7",
      allowDownload: "on",
      recipientName: "Form Buyer",
    });
    const res = await call(
      newShareAction,
      new Request("http://localhost/shares/new", { method: "POST", body: form, headers: { cookie: cookies.seller } }),
    );
    expect(res.status).toBe(302);
    const shareId = res.headers.get("location")!.match(/\/shares\/([0-9a-f-]{36})/)![1];
    const view = (await (
      await call(getShareApi, request(`/api/v1/shares/${shareId}`, { cookie: cookies.seller }), { id: shareId })
    ).json()) as any;
    expect(view.share).toMatchObject({ allowDownload: true, recipientName: "Form Buyer" });
  });
});

/** A post of the share page's own forms (add, remove, extend, revoke), as a seller's browser sends it. */
const post = (shareId: string, fields: [string, string][], who = "seller") =>
  call(
    sharePageAction,
    new Request(`http://localhost/shares/${shareId}`, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { cookie: cookies[who] },
    }),
    { id: shareId },
  );
/** Published items for every team that may go to a buyer: enough to fill a link. */
const anyoneMaySend = async () =>
  (
    await app.db
      .select({ id: items.id })
      .from(items)
      .where(
        and(
          eq(items.status, "published"),
          eq(items.notForBuyers, false),
          sql`not exists (select 1 from item_audiences a where a.item_id = ${items.id})`,
        ),
      )
      .orderBy(items.id)
  ).map((r) => r.id);
// A refused form answers its error as the action's data, beside the form; a done one redirects.
const errorOf = (res: unknown) => [statusOf(res), (res as { data?: { formError?: string } }).data?.formError];

describe("adding to a live link", () => {
  const add = (shareId: string, ...itemIds: string[]) =>
    post(shareId, [["intent", "add"], ...itemIds.map((i): [string, string] => ["item", i])]);

  it("adds an item after the ones the link holds, for the buyer at the same address, once, audited and counted", async () => {
    const { body } = await create({ itemIds: [ids.deck] });
    const shareId = body.share.id as string;
    // The page's own search offers what may go to a buyer and is not in the link yet.
    const found = (await call(sharePage, request(`/shares/${shareId}?q=beacon`, { cookie: cookies.seller }), {
      id: shareId,
    })) as unknown as {
      add: { hits: { id: string }[] };
      canAdd: boolean;
    };
    expect(found.canAdd).toBe(true);
    expect(found.add.hits.map((h) => h.id)).toContain(ids.onePager);
    expect(found.add.hits.map((h) => h.id)).not.toContain(ids.deck);

    const res = await add(shareId, ids.onePager);
    expect(res.status).toBe(302);
    expect(decodeURIComponent(res.headers.get("location")!)).toContain("Added to the link: the buyer sees it on their next visit.");
    const html = await (await buyerGet(tokenOf(body.share.url))).text();
    expect(html.indexOf("Beacon Analytics one-pager")).toBeGreaterThan(html.indexOf("Beacon Analytics overview deck"));
    const view = (await (
      await call(getShareApi, request(`/api/v1/shares/${shareId}`, { cookie: cookies.seller }), { id: shareId })
    ).json()) as any;
    expect(view.share.items.map((i: { position: number; id: string }) => [i.position, i.id])).toEqual([
      [1, ids.deck],
      [2, ids.onePager],
    ]);
    // A second tap adds nothing; both are in the audit log once.
    expect(decodeURIComponent((await add(shareId, ids.onePager)).headers.get("location")!)).toContain("That item is on the link already.");
    const audited = await app.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, shareId), eq(auditLog.action, "share.items_added")));
    expect(audited.map((a) => a.details)).toEqual([{ itemIds: [ids.onePager] }]);
  });

  it("refuses internal, invisible and drafted items, other sellers' links, revoked links and an eleventh item", async () => {
    const { body } = await create({ itemIds: [ids.deck] });
    const shareId = body.share.id as string;
    expect(errorOf(await add(shareId, ids.battle))).toEqual([403, expect.stringMatching(/internal use only/)]);
    expect(errorOf(await add(shareId, "not-an-id"))).toEqual([400, "Choose an item to add."]);
    // What the seller cannot see, a draft, and another seller's link are the not-found page: nothing is told.
    expect(statusOf(await add(shareId, ids.restricted))).toBe(404);
    expect(statusOf(await add(shareId, ids.draft))).toBe(404);
    const stranger: [string, string][] = [
      ["intent", "add"],
      ["item", ids.onePager],
    ];
    expect(statusOf(await post(shareId, stranger, "west"))).toBe(404);
    // Ten at most: nine more published items the seller may send fill it; the eleventh is refused.
    const more = (await anyoneMaySend()).slice(0, 12).filter((id) => id !== ids.deck);
    expect((await add(shareId, ...more.slice(0, 9))).status).toBe(302);
    expect(errorOf(await add(shareId, more[9]))).toEqual([422, "A link holds at most 10 items; this one has 10."]);
    const full = (await call(sharePage, request(`/shares/${shareId}?q=beacon`, { cookie: cookies.seller }), {
      id: shareId,
    })) as unknown as {
      canAdd: boolean;
      add: unknown;
      addRefusal: string | null;
    };
    expect([full.canAdd, full.add]).toEqual([false, null]);
    // Where "Add to this link" was, the page says why it is not there.
    expect(full.addRefusal).toBe("This link holds 10 items, the most a link can: take one off to add another.");
    await post(shareId, [["intent", "revoke"]]);
    expect(errorOf(await add(shareId, ids.onePager))).toEqual([409, "This share was revoked; create a new one instead."]);
  });
});

describe("taking an item off a live link", () => {
  const takeOff = (shareId: string, position: number | string, who = "seller") =>
    post(
      shareId,
      [
        ["intent", "remove"],
        ["position", String(position)],
      ],
      who,
    );
  const shareView = async (shareId: string) =>
    ((await (await call(getShareApi, request(`/api/v1/shares/${shareId}`, { cookie: cookies.seller }), { id: shareId })).json()) as any)
      .share;

  it("hides it from the buyer, its pages, file and events, keeps what they read of it, and puts it back in its place", async () => {
    const { body } = await create({ itemIds: [ids.deck, ids.pdf, ids.talk], allowDownload: true });
    const shareId = body.share.id as string;
    const token = tokenOf(body.share.url);
    const viewer = randomUUID();
    const read = (position: number) => ({ id: randomUUID(), type: "page", position, page: 1, ms: 4_000 });
    expect(((await (await report(token, { viewer, events: [{ id: randomUUID(), type: "open" }, read(2)] })).json()) as any).accepted).toBe(
      2,
    );

    const res = await takeOff(shareId, 2);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get("location")!, "http://localhost");
    expect(to.searchParams.get("notice")).toBe("“Atlas Platform security whitepaper” is off the link: the buyer no longer sees it.");
    expect(to.searchParams.get("removed")).toBe(ids.pdf);
    const html = await (await buyerGet(token)).text();
    expect(html).toContain("Beacon Analytics overview deck");
    expect(html).toContain("Beacon Analytics discovery talk track");
    expect(html).not.toContain("Atlas Platform security whitepaper");
    expect(html).not.toContain("no longer available");
    for (const [route, params] of [
      [buyerPreview, { token, n: "2", p: "1" }],
      [buyerFile, { token, n: "2" }],
    ] as const)
      expect((await call(route, request(`/s/${token}/items/2/${"p" in params ? "pages/1" : "file"}`), params)).status).toBe(404);
    expect((await call(buyerPreview, request(`/s/${token}/items/1/pages/1`), { token, n: "1", p: "1" })).status).toBe(200);
    // A page left open reports reading of the item taken off: not counted. The others still are.
    expect(((await (await report(token, { viewer, events: [read(2), read(1)] })).json()) as any).accepted).toBe(1);

    // The seller's page: the item under "Taken off the link", with the 4 s the buyer read before.
    const view = await shareView(shareId);
    expect(view.items.map((i: { position: number }) => i.position)).toEqual([1, 3]);
    expect(view.removedItems).toMatchObject([{ position: 2, id: ids.pdf, title: "Atlas Platform security whitepaper" }]);
    expect(view.engagement.items.find((i: { position: number }) => i.position === 2)).toMatchObject({ ms: 4_000 });
    // Taking it off again does nothing: a retried tap is not an error, and is audited once.
    expect((await takeOff(shareId, 2)).status).toBe(302);
    const audited = await app.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, shareId), eq(auditLog.action, "share.item_removed")));
    expect(audited.map((a) => a.details)).toEqual([{ itemId: ids.pdf, title: "Atlas Platform security whitepaper", position: 2 }]);

    // Undo (or "Put back" later) brings it back at position 2, not as a new last item, with its reading.
    const back = await post(shareId, [
      ["intent", "add"],
      ["item", ids.pdf],
    ]);
    expect(new URL(back.headers.get("location")!, "http://localhost").searchParams.get("notice")).toBe(
      "Back on the link: the buyer sees it again on their next visit.",
    );
    const again = await shareView(shareId);
    expect(again.items.map((i: { position: number; id: string }) => [i.position, i.id])).toEqual([
      [1, ids.deck],
      [2, ids.pdf],
      [3, ids.talk],
    ]);
    expect(again.removedItems).toEqual([]);
    const html2 = await (await buyerGet(token)).text();
    expect(html2.indexOf("Atlas Platform security whitepaper")).toBeLessThan(html2.indexOf("Beacon Analytics discovery talk track"));
    expect(((await (await report(token, { viewer, events: [read(2)] })).json()) as any).accepted).toBe(1);
  });

  it("keeps a link's last item, and refuses other sellers, closed links and positions that are not there", async () => {
    const { body } = await create({ itemIds: [ids.deck, ids.onePager] });
    const shareId = body.share.id as string;
    expect(statusOf(await takeOff(shareId, 1, "west"))).toBe(404);
    expect(errorOf(await takeOff(shareId, 7))).toEqual([400, "That item is not on this link."]);
    expect(errorOf(await takeOff(shareId, "x"))).toEqual([400, "Choose an item to take off the link."]);
    expect((await takeOff(shareId, 1)).status).toBe(302);
    expect(errorOf(await takeOff(shareId, 2))).toEqual([
      409,
      "This is the link's only item: revoke the link instead, or add another item first.",
    ]);
    await post(shareId, [["intent", "revoke"]]);
    expect(errorOf(await takeOff(shareId, 2))).toEqual([409, "This share was revoked; create a new one instead."]);
    expect((await shareView(shareId)).items.map((i: { id: string }) => i.id)).toEqual([ids.onePager]);
  });

  it("does the same over the API: POST …/items adds or puts back, DELETE …/items/:position takes off", async () => {
    const { body } = await create({ itemIds: [ids.deck] });
    const shareId = body.share.id as string;
    const addApi = (json: unknown, who = "seller") =>
      call(shareItemsApi, request(`/api/v1/shares/${shareId}/items`, { method: "POST", cookie: cookies[who], json }), { id: shareId });
    const delApi = (position: string, who = "seller") =>
      call(shareItemApi, request(`/api/v1/shares/${shareId}/items/${position}`, { method: "DELETE", cookie: cookies[who] }), {
        id: shareId,
        position,
      });
    const added = await addApi({ itemIds: [ids.onePager, ids.pdf] });
    expect(added.status).toBe(200);
    const a = (await added.json()) as any;
    expect([a.added, a.restored, a.share.items.map((i: { id: string }) => i.id)]).toEqual([
      [ids.onePager, ids.pdf],
      [],
      [ids.deck, ids.onePager, ids.pdf],
    ]);
    const gone = await delApi("2");
    expect(gone.status).toBe(200);
    const g = (await gone.json()) as any;
    expect(g.removed).toEqual({ id: ids.onePager, title: "Beacon Analytics one-pager" });
    expect(g.share.removedItems).toMatchObject([{ position: 2, id: ids.onePager, removedAt: expect.any(String) }]);
    const back = (await (await addApi({ itemIds: [ids.onePager] })).json()) as any;
    expect([back.added, back.restored]).toEqual([[], [ids.onePager]]);
    // Refused as the form refuses, in the API's error shape; a stranger's link does not exist.
    expect((await delApi("2", "west")).status).toBe(404);
    expect((await addApi({ itemIds: [ids.onePager] }, "west")).status).toBe(404);
    expect(((await (await addApi({ itemIds: [ids.battle] })).json()) as any).error.code).toBe("forbidden");
    expect((await addApi({ itemIds: "all" })).status).toBe(400);
    expect((await addApi({ itemIds: [] })).status).toBe(400);
    expect((await delApi("0")).status).toBe(400);
    expect((await delApi("7")).status).toBe(400);
    expect((await call(shareItemsGet, request(`/api/v1/shares/${shareId}/items`, { cookie: cookies.seller }))).status).toBe(405);
    await delApi("1");
    await delApi("2");
    const last = await delApi("3");
    expect([last.status, ((await last.json()) as any).error.code]).toEqual([409, "conflict"]);
  });

  it("counts only the items on the link toward ten, and no more than thirty different items over its life", async () => {
    const pool = await anyoneMaySend();
    expect(pool.length).toBeGreaterThanOrEqual(12);
    const { body } = await create({ itemIds: pool.slice(0, 10) });
    const shareId = body.share.id as string;
    expect((await takeOff(shareId, 10)).status).toBe(302);
    // Nine on the link: an eleventh item fits, and the one taken off no longer does.
    expect(
      (
        await post(shareId, [
          ["intent", "add"],
          ["item", pool[10]],
        ])
      ).status,
    ).toBe(302);
    expect(
      errorOf(
        await post(shareId, [
          ["intent", "add"],
          ["item", pool[9]],
        ]),
      ),
    ).toEqual([422, "A link holds at most 10 items; this one has 10."]);
    // Positions are never reused: with 30 rows, a new item is refused even where there is room; one taken
    // off can still come back.
    // Each a different item, as a link holds them (an item taken off comes back at its old place): 19 rows
    // of one item would count one item as shared 19 more times in marketing's figures.
    await app.db.execute(
      sql`with former as (
            insert into items (type, title, status) select 'one_pager', 'Former item ' || p, 'draft' from generate_series(12, 30) p
            returning id)
          insert into share_items (share_id, position, item_id, removed_at)
          select ${shareId}::uuid, 11 + row_number() over (), id, now() from former`,
    );
    expect((await takeOff(shareId, 1)).status).toBe(302);
    expect(
      errorOf(
        await post(shareId, [
          ["intent", "add"],
          ["item", pool[11]],
        ]),
      ),
    ).toEqual([422, "This link has held 30 different items; create a new share for more."]);
    // The page offers no search whose every hit would be refused, says why, and still offers "Put back".
    const page = (await call(sharePage, request(`/shares/${shareId}?q=beacon`, { cookie: cookies.seller }), {
      id: shareId,
    })) as unknown as { canAdd: boolean; canPutBack: boolean; add: unknown; addRefusal: string | null };
    expect(page).toMatchObject({
      canAdd: false,
      canPutBack: true,
      add: null,
      addRefusal: "This link has held 30 different items, the most a link can: create a new link for more.",
    });
    expect(
      (
        await post(shareId, [
          ["intent", "add"],
          ["item", pool[9]],
        ])
      ).status,
    ).toBe(302);
  });
});

describe("the buyer's page", () => {
  it("shows only the shared items, with strict headers, no cookies and no way into the library", async () => {
    const { body } = await create({ itemIds: [ids.deck, ids.talk], note: "<script>alert(1)</script>" });
    const token = tokenOf(body.share.url);
    const res = await buyerGet(token);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-robots-tag")).toMatch(/noindex/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("set-cookie")).toBeNull();
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'nonce-test-nonce'");
    const html = await res.text();
    expect(html).toContain("Beacon Analytics overview deck");
    expect(html).toContain("Beacon Analytics discovery talk track");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    // Two items: a list of what the link holds, each a jump to its place on the page.
    const contents = html.match(/<nav class="contents"[^]*?<\/nav>/)?.[0] ?? "";
    expect(contents.replace(/<[^>]+>/g, "")).toBe(
      "In this linkBeacon Analytics overview deck Deck · 4 pagesBeacon Analytics discovery talk track Talk track",
    );
    for (const [href] of contents.matchAll(/#item-\d+/g)) expect(html).toContain(`id="${href.slice(1)}"`);
    // Who to answer: the seller who sent it, by mail.
    const mailto = "mailto:seller@demo.test?subject=Beacon%20Analytics%20overview%20deck%20and%20more";
    expect(html).toContain(`Questions? Write to ${people.seller.name} at <a href="${mailto}">seller@demo.test</a>.`);
    // Every URL on the page stays inside this share, but for those jumps and the seller's address.
    const urls = [...html.matchAll(/(?:href|src|srcset|action)="([^"]*)"/g)]
      .filter((m) => !m[1].startsWith("data:") && !/^#item-\d+$/.test(m[1]) && m[1] !== mailto)
      .flatMap((m) => m[1].split(/,\s*/).map((u) => u.split(" ")[0]));
    const inside = urls.filter((u) => u.startsWith(`/s/${token}/`));
    expect(inside.length).toBeGreaterThan(3);
    expect(urls.filter((u) => !u.startsWith(`/s/${token}/`) && !u.startsWith("https://video.example.com/"))).toEqual([]);
    expect(html).not.toMatch(/\/api\/|\/items\/[0-9a-f-]{36}/);
    // No download offered when not allowed, and the file URL refuses.
    expect(html).not.toContain(`data-download="`);
    expect((await call(buyerFile, request(`/s/${token}/items/1/file`), { token, n: "1" })).status).toBe(404);
  });

  it("serves page previews of shared items only, and downloads only when allowed", async () => {
    const { body } = await create({ itemIds: [ids.deck], allowDownload: true });
    const token = tokenOf(body.share.url);
    const page = await call(buyerPreview, request(`/s/${token}/items/1/pages/1?w=640`), { token, n: "1", p: "1" });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("image/webp");
    // Numbers past what a link or a document can hold are as unavailable as any other (not a 500 from a
    // position beyond the database's integer).
    for (const [n, p] of [
      ["2", "1"],
      ["1", "999"],
      ["0", "1"],
      ["3000000000", "1"],
      ["1", "3000000000"],
      ["1e3", "1"],
    ]) {
      expect((await call(buyerPreview, request(`/s/${token}/items/${n}/pages/${p}`), { token, n, p })).status).toBe(404);
    }
    expect((await call(buyerFile, request(`/s/${token}/items/3000000000/file`), { token, n: "3000000000" })).status).toBe(404);
    const file = await call(buyerFile, request(`/s/${token}/items/1/file`), { token, n: "1" });
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toMatch(/^attachment/);
    expect(await buyerGet(token).then((r) => r.text())).toContain(`data-download="1"`);
  });

  it("answers random, expired and revoked tokens with the same page, and nothing else under them", async () => {
    const { body: revokedShare } = await create({ itemIds: [ids.deck], allowDownload: true });
    const revoked = tokenOf(revokedShare.share.url);
    const del = await call(shareApi, request(`/api/v1/shares/${revokedShare.share.id}`, { method: "DELETE", cookie: cookies.seller }), {
      id: revokedShare.share.id,
    });
    expect(((await del.json()) as any).share.status).toBe("revoked");
    const { body: expiring } = await create({ itemIds: [ids.deck], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const expired = tokenOf(expiring.share.url);
    const later = new Date(Date.now() + 120_000);
    const { loadBuyerShare } = await import("~/modules/shares/buyer.server");
    await expect(loadBuyerShare(app.db, expired, later)).rejects.toMatchObject({ code: "not_found" });
    const random = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
    const answers = await Promise.all(
      [random, revoked, "nonsense"].map(async (t) => {
        const r = await buyerGet(t);
        return { status: r.status, body: await r.text(), csp: r.headers.get("content-security-policy") };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0].body).toContain("This link is not available");
    for (const t of [random, revoked]) {
      expect((await call(buyerPreview, request(`/s/${t}/items/1/pages/1`), { token: t, n: "1", p: "1" })).status).toBe(404);
      expect((await call(buyerFile, request(`/s/${t}/items/1/file`), { token: t, n: "1" })).status).toBe(404);
      expect((await report(t, { viewer: randomUUID(), events: [{ id: randomUUID(), type: "open" }] })).status).toBe(404);
    }
    // Extending a revoked share is refused; revoking twice is fine.
    const patch = await call(
      shareApi,
      request(`/api/v1/shares/${revokedShare.share.id}`, {
        method: "PATCH",
        cookie: cookies.seller,
        json: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      }),
      { id: revokedShare.share.id },
    );
    expect(patch.status).toBe(409);
    const audit = await app.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, revokedShare.share.id), eq(auditLog.action, "share.revoked")));
    expect(audit).toHaveLength(1);
  });

  it("withdraws an item from live links once it is marked internal, and says it is no longer available", async () => {
    const { body } = await create({ itemIds: [ids.onePager, ids.deck] });
    const token = tokenOf(body.share.url);
    await setNotForBuyers(app.db, { user: people.marketer, itemId: ids.onePager, notForBuyers: true });
    try {
      const html = await (await buyerGet(token)).text();
      expect(html).toContain("This item is no longer available.");
      expect(html).not.toContain("Beacon Analytics one-pager");
      expect(html).toMatch(/<ol><li class="gone">No longer available<\/li><li><a href="#item-2">Beacon Analytics overview deck<\/a>/);
      expect((await call(buyerPreview, request(`/s/${token}/items/1/pages/1`), { token, n: "1", p: "1" })).status).toBe(404);
      expect((await call(buyerPreview, request(`/s/${token}/items/2/pages/1`), { token, n: "2", p: "1" })).status).toBe(200);
      // The seller is told, and what they send on (the mail's subject, the share sheet) names what the
      // buyer sees, never the internal item: the buyer's page title.
      expect(html).toContain("<title>Beacon Analytics overview deck and more</title>");
      const seen = (
        (await call(getShareApi, request(`/api/v1/shares/${body.share.id}`, { cookie: cookies.seller }), { id: body.share.id }).then((r) =>
          r.json(),
        )) as any
      ).share.items;
      expect(seen.map((i: any) => [i.title, i.available])).toEqual([
        ["Beacon Analytics one-pager", false],
        ["Beacon Analytics overview deck", true],
      ]);
      expect(buyerTitle(seen)).toBe("Beacon Analytics overview deck and more");
    } finally {
      await setNotForBuyers(app.db, { user: people.marketer, itemId: ids.onePager, notForBuyers: false });
    }
  });

  it("asks for an email first when the seller wanted one, and remembers it for this link only", async () => {
    const { body } = await create({ itemIds: [ids.deck], requireEmail: true });
    const token = tokenOf(body.share.url);
    const gate = await (await buyerGet(token)).text();
    expect(gate).toContain("Enter your email to view");
    expect(gate).not.toContain("/pages/");
    // The pages behind the gate are closed too, until the email is given.
    expect((await call(buyerPreview, request(`/s/${token}/items/1/pages/1`), { token, n: "1", p: "1" })).status).toBe(404);
    const post = await call(buyerAction, request(`/s/${token}`, { method: "POST", form: { email: "Pat@Buyer.test" } }), { token });
    expect(post.status).toBe(303);
    const cookie = post.headers.get("set-cookie")!;
    expect(cookie).toMatch(new RegExp(`Path=/s/${token}`));
    expect(cookie).toMatch(/HttpOnly/);
    const page = await (await buyerGet(token, CHROME, cookie.split(";")[0])).text();
    expect(page).toContain("/pages/1");
    const withEmail = await call(buyerPreview, request(`/s/${token}/items/1/pages/1`, { cookie: cookie.split(";")[0] }), {
      token,
      n: "1",
      p: "1",
    });
    expect(withEmail.status).toBe(200);
    // The seller reads the address the gate took, not one written into a post: anyone with the link can
    // post, with any address or none, and never got past the gate.
    const open = (email?: string) => ({ viewer: randomUUID(), email, events: [{ id: randomUUID(), type: "open" }] });
    const forged = await report(token, open("ceo@rival.test"));
    expect(((await forged.json()) as any).accepted).toBe(0);
    const fromPage = await call(
      buyerEvents,
      request(`/s/${token}/events`, {
        method: "POST",
        json: open("ceo@rival.test"),
        headers: { "user-agent": CHROME },
        cookie: cookie.split(";")[0],
      }),
      { token },
    );
    expect(((await fromPage.json()) as any).accepted).toBe(1);
    const engagement = (
      (await (
        await call(getShareApi, request(`/api/v1/shares/${body.share.id}`, { cookie: cookies.seller }), { id: body.share.id })
      ).json()) as any
    ).share.engagement;
    expect({ opens: engagement.opens, emails: engagement.emails }).toEqual({ opens: 1, emails: ["pat@buyer.test"] });
  });

  it("rate-limits the page per client address", async () => {
    const c = ctx("192.0.2.77");
    let status = 200;
    for (let i = 0; i < 80 && status !== 429; i++) status = (await buyerGet("x".repeat(43), CHROME, undefined, c)).status;
    expect(status).toBe(429);
  });
});

describe("engagement", () => {
  it("counts an open only when the page's script reports it, never for an unfurler's fetch", async () => {
    const { body } = await create({ itemIds: [ids.deck] });
    const token = tokenOf(body.share.url);
    for (const ua of ["Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "facebookexternalhit/1.1", "WhatsApp/2.23", CHROME]) {
      expect((await buyerGet(token, ua)).status).toBe(200);
    }
    const viewer = randomUUID();
    // A scanner that runs script is still a bot by its user agent.
    const bot = await report(
      token,
      { viewer, events: [{ id: randomUUID(), type: "open" }] },
      "Mozilla/5.0 (compatible; HeadlessChrome) SafeLinks",
    );
    expect(((await bot.json()) as any).accepted).toBe(0);
    const shown = (await (
      await call(getShareApi, request(`/api/v1/shares/${body.share.id}`, { cookie: cookies.seller }), { id: body.share.id })
    ).json()) as any;
    expect(shown.share.engagement).toMatchObject({ opens: 0, viewers: 0 });
    expect(shown.share.firstOpenedAt).toBeNull();
  });

  it("records opens, page time, downloads and forwards once each, and tells the seller", async () => {
    const { body } = await create({ itemIds: [ids.deck, ids.onePager], allowDownload: true });
    const token = tokenOf(body.share.url);
    const viewer = randomUUID();
    const batch = {
      viewer,
      events: [
        { id: randomUUID(), type: "open" },
        { id: randomUUID(), type: "page", position: 1, page: 1, ms: 3_000 },
        { id: randomUUID(), type: "page", position: 1, page: 2, ms: 2_500 },
        { id: randomUUID(), type: "page", position: 1, page: 3, ms: 4_000 },
        { id: randomUUID(), type: "page", position: 1, page: 4, ms: 200 },
        { id: randomUUID(), type: "download", position: 2 },
        // Not in this share: dropped.
        { id: randomUUID(), type: "page", position: 7, page: 1, ms: 5_000 },
      ],
    };
    expect(((await (await report(token, batch)).json()) as any).accepted).toBe(6);
    // The same batch again (a retry after a lost answer) counts nothing.
    expect(((await (await report(token, batch)).json()) as any).accepted).toBe(0);
    // A second viewer of the same link: forwarded.
    await report(token, { viewer: randomUUID(), events: [{ id: randomUUID(), type: "open" }] });
    // A heartbeat claiming more than a minute is refused.
    expect(
      (await report(token, { viewer, events: [{ id: randomUUID(), type: "page", position: 1, page: 1, ms: 3_600_000 }] })).status,
    ).toBe(400);

    const view = (await (
      await call(getShareApi, request(`/api/v1/shares/${body.share.id}`, { cookie: cookies.seller }), { id: body.share.id })
    ).json()) as any;
    expect(view.share.engagement).toMatchObject({ opens: 2, viewers: 2, downloads: 1 });
    expect(view.share.engagement.items).toEqual([
      {
        position: 1,
        ms: 9_700,
        pages: [
          { page: 1, ms: 3_000 },
          { page: 2, ms: 2_500 },
          { page: 3, ms: 4_000 },
          { page: 4, ms: 200 },
        ],
      },
    ]);
    expect(view.share.summary.text).toBe("opened 2× · 2 viewers (forwarded) · pages 1–3 read · 10 s · 1 download");
    // Only the owner sees it.
    expect(
      (await call(getShareApi, request(`/api/v1/shares/${body.share.id}`, { cookie: cookies.west }), { id: body.share.id })).status,
    ).toBe(404);

    // The in-app notice: new on the seller's list once, then seen.
    const first = (await call(mySharesPage, request("/shares", { cookie: cookies.seller }))) as unknown as { shares: any[] };
    expect(first.shares.find((s) => s.id === body.share.id).newlyOpened).toBe(true);
    const second = (await call(mySharesPage, request("/shares", { cookie: cookies.seller }))) as unknown as { shares: any[] };
    expect(second.shares.find((s) => s.id === body.share.id).newlyOpened).toBe(false);

    // Marketing's view of the deck in buyers' hands.
    const insights = await buyerInsightsForItem(app.db, ids.deck);
    expect(insights.shares).toBeGreaterThan(1);
    expect(insights.opened).toBeGreaterThanOrEqual(1);
    expect(insights.pages.filter((p) => p.readIn > 0).map((p) => p.page)).toEqual(expect.arrayContaining([1, 2, 3]));
    expect(insights.pages.find((p) => p.page === 4)?.readIn).toBe(0);
    // …and in the effectiveness table (and its CSV): shares and the open rate.
    const today = new Date().toISOString().slice(0, 10);
    const table = await itemInsights(app.db, { user: people.marketer, range: { from: today, to: today } });
    const row = table.find((r) => r.itemId === ids.deck)!;
    expect(row.buyerShares).toBe(insights.shares);
    // Each buyer share also counts as the seller sharing the item (the usage "Shares" column).
    expect(row.shares).toBeGreaterThanOrEqual(insights.shares);
    expect(row.buyerOpenRate).toBeCloseTo(insights.opened / insights.shares, 2);
    expect(itemsCsv(table).split("\r\n")[0]).toMatch(/,Buyer shares,Buyer open rate$/);
  });

  it("folds read pages into ranges", () => {
    expect(pageRanges([3, 1, 2, 6, 5, 9])).toBe("1–3, 5–6, 9");
  });
});
