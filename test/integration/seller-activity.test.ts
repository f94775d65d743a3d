// Insights → Sellers' activity: every current seller of the scope's teams with their active days, views,
// last active day and ratings in the range, the least active first; searched, sorted and paged; a manager
// sees only the teams they lead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as sellersLoader } from "~/routes/_app.insights.sellers";
import { loader as sellerLoader } from "~/routes/_app.insights.sellers_.$id";
import { loader as exportLoader } from "~/routes/_app.insights.export";
import { contentRequests, itemSellerDaily, ratings, searchQueries, sellerDaily, users } from "@/db/schema";
import { eq } from "drizzle-orm";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import type { SellerDetail } from "~/modules/insights/seller-detail.server";
import { createItem } from "../setup/feedback";

let app: TestApp;
const cookie: Record<string, string> = {};
const id: Record<string, string> = {};
const team: Record<string, string> = {};
const itemIds: Record<string, string> = {};
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

type Row = { id: string; name: string; activeDays: number; views: number; lastDay: string | null; ratings: number };
type Page = { rows: Row[]; total: number; pages: number; page: number };
const view = async (who: string, qs = "") => {
  const res = await respond(() => sellersLoader(routeArgs(app, request(`/insights/sellers${qs}`, { cookie: cookie[who] })) as never));
  return res as Page & Response;
};

beforeAll(async () => {
  app = await createTestApp();
  for (const t of ["North", "South", "Big"]) team[t] = (await createTeam(app, `Activity ${t}`)).id;
  const named = async (key: string, role: "seller" | "manager" | "admin", teamId: string | null, leads: string[] = []) => {
    const u = await createUser(app, { role, teamId, leads, email: `${key}@activity.test` });
    await app.db
      .update(users)
      .set({ name: `Person ${key}` })
      .where(eq(users.id, u.id));
    id[key] = u.id;
    cookie[key] = await cookieFor(app, u.id);
  };
  await named("ana", "seller", team.North);
  await named("bo", "seller", team.North);
  await named("cy", "seller", team.South);
  await named("mgr", "manager", null, [team.North]);
  await named("admin", "admin", null);
  for (let n = 0; n < 26; n++) await createUser(app, { role: "seller", teamId: team.Big });
  // Ana: three active days in range (and one 40 days ago, outside it); Cy: one day; Bo: none.
  await app.db.insert(sellerDaily).values([
    { day: day(2), userId: id.ana, teamId: team.North, events: 4, views: 3 },
    { day: day(5), userId: id.ana, teamId: team.North, events: 2, views: 1 },
    { day: day(9), userId: id.ana, teamId: team.North, events: 1, views: 1 },
    { day: day(40), userId: id.ana, teamId: team.North, events: 9, views: 9 },
    { day: day(1), userId: id.cy, teamId: team.South, events: 1, views: 2 },
  ]);
  const item = await createItem(app, { title: "Pricing one-pager", publishedAt: new Date(Date.now() - 20 * 86_400_000) });
  itemIds.pricing = item.id;
  await app.db
    .insert(ratings)
    .values({ itemId: item.id, versionId: item.versions[0].id, userId: id.ana, teamId: team.North, useful: true, at: new Date() });
  // What Ana used: the pricing one-pager on two days (shared once, 90 s read), a battle card once,
  // something 40 days ago (outside the range), and 25 more items once each for the pages.
  const battle = await createItem(app, { title: "Battle card: Acme", publishedAt: new Date(Date.now() - 20 * 86_400_000) });
  itemIds.battle = battle.id;
  await app.db.insert(ratings).values({
    itemId: battle.id,
    versionId: battle.versions[0].id,
    userId: id.ana,
    teamId: team.North,
    useful: false,
    comment: "Out of date pricing",
    at: new Date(),
  });
  const old = await createItem(app, { title: "Old deck", publishedAt: new Date(Date.now() - 60 * 86_400_000) });
  const use = (
    itemId: string,
    daysAgo: number,
    counts: Partial<{ views: number; shares: number; downloads: number; dwellMs: number }>,
  ) => ({
    day: day(daysAgo),
    itemId,
    userId: id.ana,
    teamId: team.North,
    events: 1,
    views: 0,
    ...counts,
  });
  await app.db
    .insert(itemSellerDaily)
    .values([
      use(item.id, 2, { views: 2, shares: 1, dwellMs: 60_000 }),
      use(item.id, 5, { views: 1, dwellMs: 30_000 }),
      use(battle.id, 9, { views: 1, downloads: 1 }),
      use(old.id, 40, { views: 9 }),
    ]);
  // Ana searched three times (one found nothing) and asked marketing for one thing; Bo asked long ago.
  await app.db.insert(searchQueries).values([
    { userId: id.ana, teamId: team.North, queryNorm: "pricing", resultCount: 4, at: new Date(Date.now() - 86_400_000) },
    { userId: id.ana, teamId: team.North, queryNorm: "acme battle card", resultCount: 1, at: new Date(Date.now() - 86_400_000) },
    { userId: id.ana, teamId: team.North, queryNorm: "hospital pricing", resultCount: 0, at: new Date(Date.now() - 86_400_000) },
    { userId: id.ana, teamId: team.North, queryNorm: "old", resultCount: 0, at: new Date(Date.now() - 40 * 86_400_000) },
  ]);
  await app.db.insert(contentRequests).values([
    { userId: id.ana, teamId: team.North, text: "A pricing sheet for hospitals", query: "hospital pricing", status: "planned" },
    { userId: id.bo, teamId: team.North, text: "Long ago", createdAt: new Date(Date.now() - 40 * 86_400_000) },
  ]);
  for (let n = 0; n < 25; n++) {
    const extra = await createItem(app, {
      title: `Extra ${String(n).padStart(2, "0")}`,
      publishedAt: new Date(Date.now() - 20 * 86_400_000),
    });
    await app.db.insert(itemSellerDaily).values(use(extra.id, 3, { views: 1 }));
  }
}, 60_000);
afterAll(() => app.close());

describe("sellers' activity", () => {
  it("lists a manager's sellers, the least active first, with their figures for the range", async () => {
    const page = await view("mgr");
    expect(page.rows.map((r) => [r.name, r.activeDays, r.views, r.lastDay, r.ratings])).toEqual([
      ["Person bo", 0, 0, null, 0],
      ["Person ana", 3, 5, day(2), 2],
    ]);
    expect(page.total).toBe(2);
    // Most active first, and by last active day (never active last).
    expect((await view("mgr", "?sort=days&dir=desc")).rows[0].name).toBe("Person ana");
    expect((await view("mgr", "?sort=last")).rows.map((r) => r.name)).toEqual(["Person ana", "Person bo"]);
  });

  it("finds a seller by name or email, and ignores nonsense in the address", async () => {
    expect((await view("mgr", "?q=ANA@ACTIVITY")).rows.map((r) => r.name)).toEqual(["Person ana"]);
    expect((await view("mgr", "?q=%25")).total).toBe(0);
    expect((await view("mgr", "?sort=sideways&dir=up&page=-1")).rows.map((r) => r.name)).toEqual(["Person bo", "Person ana"]);
  });

  it("shows an admin every team or one, pages 25 at a time, and refuses a manager another team", async () => {
    const all = await view("admin");
    expect(all.total).toBe(29);
    expect((await view("admin", "?q=person%20cy")).rows.map((r) => r.name)).toEqual(["Person cy"]);
    const south = await view("admin", `?team=${team.South}`);
    expect(south.rows.map((r) => [r.name, r.activeDays, r.views])).toEqual([["Person cy", 1, 2]]);
    const big = await view("admin", `?team=${team.Big}`);
    expect([big.total, big.pages, big.rows.length]).toEqual([26, 2, 25]);
    const second = await view("admin", `?team=${team.Big}&page=2`);
    expect(second.rows).toHaveLength(1);
    expect(big.rows.map((r) => r.id)).not.toContain(second.rows[0].id);
    expect(((await view("mgr", `?team=${team.South}`)) as Response).status).toBe(403);
  });
});

type SellerPage = SellerDetail;
const seller = async (who: string, sellerId: string, qs = "") =>
  (await respond(() =>
    sellerLoader(routeArgs(app, request(`/insights/sellers/${sellerId}${qs}`, { cookie: cookie[who] }), { id: sellerId }) as never),
  )) as SellerPage & Response;

describe("one seller's activity", () => {
  it("shows a manager what their seller used in the range, with their ratings and comments", async () => {
    const page = await seller("mgr", id.ana);
    expect(page.seller).toMatchObject({ name: "Person ana", team: "Activity North" });
    // Active days and views from seller_daily; items, shares and downloads from the per-item rows in range.
    expect(page.totals).toEqual({
      activeDays: 3,
      views: 5,
      items: 27,
      shares: 1,
      downloads: 1,
      ratings: 2,
      useful: 1,
      searches: 3,
      emptySearches: 1,
    });
    expect(page.requests.map((r) => [r.text, r.status])).toEqual([["A pricing sheet for hospitals", "planned"]]);
    expect(page.requestsTotal).toBe(1);
    expect(page.items.total).toBe(27);
    expect(page.items.pages).toBe(2);
    const [first] = page.items.rows;
    expect(first).toMatchObject({ title: "Pricing one-pager", views: 3, shares: 1, dwellS: 90, lastDay: day(2), useful: true });
    expect(page.items.rows.map((r) => r.title)).not.toContain("Old deck");
    const battle = page.items.rows.find((r) => r.title === "Battle card: Acme");
    expect(battle).toMatchObject({ views: 1, downloads: 1, useful: false, comment: "Out of date pricing" });
  });

  it("searches, sorts and pages the seller's items, and ignores nonsense in the address", async () => {
    expect((await seller("mgr", id.ana, "?q=battle")).items.rows.map((r) => r.title)).toEqual(["Battle card: Acme"]);
    expect((await seller("mgr", id.ana, "?q=%25")).items.total).toBe(0);
    const byTitle = await seller("mgr", id.ana, "?sort=title");
    expect(byTitle.items.rows.slice(0, 2).map((r) => r.title)).toEqual(["Battle card: Acme", "Extra 00"]);
    expect((await seller("mgr", id.ana, "?sort=last&dir=asc")).items.rows[0].title).toBe("Battle card: Acme");
    const second = await seller("mgr", id.ana, "?sort=title&page=2");
    expect(second.items.rows.map((r) => r.title)).toEqual(["Extra 24", "Pricing one-pager"]);
    // Past the last page: the last page (see pageWithin).
    const deep = (await seller("mgr", id.ana, "?sort=title&page=9")).items;
    expect({ page: deep.page, total: deep.total, titles: deep.rows.map((r) => r.title) }).toEqual({
      page: 2,
      total: 27,
      titles: ["Extra 24", "Pricing one-pager"],
    });
    expect((await seller("mgr", id.ana, "?sort=up&dir=sideways&page=0")).items.rows[0].title).toBe("Pricing one-pager");
    // A seller who used nothing has a page too; their old request is outside the range.
    const bo = await seller("mgr", id.bo);
    expect([bo.items.total, bo.requests.length, bo.totals.searches]).toEqual([0, 0, 0]);
  });

  it("answers 404 for a seller outside the manager's teams, a non-seller or a bad id, and 403 for other roles", async () => {
    for (const other of [id.cy, id.mgr, id.admin, "00000000-0000-4000-8000-000000000000", "not-an-id"]) {
      const res = await seller("mgr", other);
      expect(res.status, other).toBe(404);
    }
    expect((await seller("admin", id.cy)).seller.name).toBe("Person cy");
    const marketer = await createUser(app, { role: "marketer" });
    cookie.marketer = await cookieFor(app, marketer.id);
    expect((await seller("marketer", id.ana)).status).toBe(403);
    expect((await seller("ana", id.ana)).status).toBe(403);
  });

  it("downloads every seller of the scope as CSV, and none for a marketer", async () => {
    const csv = (who: string) =>
      respond(() =>
        exportLoader(routeArgs(app, request("/insights/export?table=sellers", { cookie: cookie[who] })) as never),
      ) as Promise<Response>;
    const mine = await csv("mgr");
    expect(mine.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await mine.text()).trim().split("\r\n");
    expect(lines[0]).toBe("Seller id,Name,Email,Team,Active days,Last active day,Items opened,Ratings given");
    expect(lines.slice(1).map((l) => l.split(",")[1])).toEqual(["Person bo", "Person ana"]);
    // Every row, not a page of 25.
    expect((await (await csv("admin")).text()).trim().split("\r\n")).toHaveLength(30);
    cookie.marketer2 = await cookieFor(app, (await createUser(app, { role: "marketer" })).id);
    expect((await csv("marketer2")).status).toBe(403);
  });
});
