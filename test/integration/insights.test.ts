// Every insight on one fixed dataset, with the exact figures worked out by hand (see the comments).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as itemsApi } from "~/routes/api.v1.insights.items";
import { loader as exportPage } from "~/routes/_app.insights.export";
import { loader as adoptionApi } from "~/routes/api.v1.insights.adoption";
import { ingestEvents } from "~/modules/usage/ingest.server";
import { rateItem } from "~/modules/feedback/ratings.server";
import { createRequest, updateRequest } from "~/modules/feedback/requests.server";
import { adoption } from "~/modules/insights/adoption.server";
import { alignmentKpis } from "~/modules/insights/alignment.server";
import { contentGaps } from "~/modules/insights/content-gaps.server";
import {
  effectivenessQuadrant,
  ITEM_SORTS,
  itemInsights,
  itemInsightsPage,
  itemInsightsSummary,
  topAndBottom,
  type ItemInsight,
  type ItemSort,
} from "~/modules/insights/item-insights.server";
import { loadInsightsPage } from "~/modules/insights/page.server";
import { itemsCsv } from "~/modules/insights/export.server";
import { itemDetail } from "~/modules/insights/item-report.server";
import { libraryHealth } from "~/modules/insights/library-health.server";
import { searchQueries } from "@/db/schema";
import { cookieFor, createTeam, createTestApp, createUser, request, routeArgs, type TestApp } from "../setup/app";
import { addVersion, createItem, event, sessionUser } from "../setup/feedback";

const NOW = new Date("2025-03-20T12:00:00Z");
const RANGE = { from: "2025-03-03", to: "2025-03-16" }; // two Monday-start weeks
const at = (day: string, time = "10:00:00") => `${day}T${time}Z`;

let app: TestApp;
type U = ReturnType<typeof sessionUser>;
let east: { id: string }, west: { id: string };
let s1: U, s2: U, s4: U, s5: U, mgr: U, marketer: U, admin: U, seller: U;
let A: { id: string }, B: { id: string }, C: { id: string };

beforeAll(async () => {
  app = await createTestApp();
  east = await createTeam(app, "East team", "East");
  west = await createTeam(app, "West team", "West");
  const mk = async (role: "seller" | "manager" | "marketer" | "admin", teamId: string | null, leads: string[] = []) =>
    sessionUser(await createUser(app, { role, teamId, leads }), leads);
  s1 = await mk("seller", east.id);
  s2 = await mk("seller", east.id);
  await mk("seller", east.id); // s3: in the team, never active
  s4 = await mk("seller", west.id);
  s5 = await mk("seller", west.id);
  mgr = await mk("manager", east.id, [east.id]);
  marketer = await mk("marketer", null);
  admin = await mk("admin", null);
  seller = s1;

  const jan1 = new Date("2025-01-01T00:00:00Z");
  A = await createItem(app, { title: "Alpha", publishedAt: jan1 });
  B = await createItem(app, { title: "Bravo", publishedAt: jan1 });
  C = await createItem(app, { title: "Charlie", publishedAt: jan1 });
  await createItem(app, { title: "Delta", publishedAt: jan1 });
  await createItem(app, { title: "Echo", publishedAt: jan1, expiresAt: new Date("2025-03-25T00:00:00Z") });
  await createItem(app, { title: "Foxtrot", publishedAt: jan1, verifyIntervalDays: 30, verifiedAt: jan1 });
  await createItem(app, { title: "Golf", publishedAt: new Date("2025-03-15T00:00:00Z") });

  const send = (user: U, rows: ReturnType<typeof event>[]) => ingestEvents(app.db, { user, rows, now: NOW });
  await send(s1, [
    event("view", A.id, at("2025-03-03")),
    event("view", A.id, at("2025-03-03", "11:00:00")),
    event("view", A.id, at("2025-03-11")),
    event("dwell", A.id, at("2025-03-11"), { ms: 30_000 }),
    event("view", B.id, at("2025-03-11")),
  ]);
  await send(s2, [event("view", A.id, at("2025-03-04")), event("share", A.id, at("2025-03-04")), event("view", C.id, at("2025-03-12"))]);
  await send(s4, [
    event("view", A.id, at("2025-03-12")),
    event("view", B.id, at("2025-03-12")),
    event("download", B.id, at("2025-03-12")),
    event("view", B.id, at("2025-03-13")),
  ]);
  await send(s5, [event("view", A.id, at("2025-03-18"))]); // after the range
  await send(mgr, [event("view", A.id, at("2025-03-05"))]); // field usage, but not a seller for adoption
  await send(marketer, [event("view", A.id, at("2025-03-05"))]); // a preview: not usage

  const rate = (user: U, item: { id: string }, useful: boolean, day: string, reasons: string[] = [], comment: string | null = null) =>
    rateItem(app.db, { user, itemId: item.id, input: { useful, reasons: reasons as never, comment, at: at(day) }, now: NOW });
  await rate(s1, A, false, "2025-03-05", ["outdated"]); // on v1, superseded by s1's v2 answer
  await addVersion(app, A.id, 2);
  await rate(s1, A, true, "2025-03-11", ["won_the_meeting"]);
  await rate(s2, A, true, "2025-03-12");
  await rate(s4, A, false, "2025-03-12", ["too_long"], "Too long for a first call");
  await rate(s1, B, false, "2025-03-11", ["outdated", "missing_proof_point"], "Pricing is old");
  await rate(s4, B, false, "2025-03-13", ["outdated"]);
  await rate(s2, B, false, "2025-03-13");
  await rate(s2, C, true, "2025-03-12", ["won_the_meeting"]);
  await rate(s5, C, false, "2025-03-18"); // after the range

  await app.db.insert(searchQueries).values([
    { userId: s1.id, teamId: east.id, queryNorm: "pricing sheet", resultCount: 0, at: new Date(at("2025-03-05")) },
    { userId: s2.id, teamId: east.id, queryNorm: "pricing sheet", resultCount: 0, at: new Date(at("2025-03-06")) },
    { userId: s4.id, teamId: west.id, queryNorm: "pricing sheet", resultCount: 0, at: new Date(at("2025-03-12")) },
    { userId: s1.id, teamId: east.id, queryNorm: "northwind", resultCount: 5, at: new Date(at("2025-03-07")) },
    {
      userId: s2.id,
      teamId: east.id,
      queryNorm: "atlas deck",
      resultCount: 3,
      clickedItemId: A.id,
      clickedPosition: 1,
      at: new Date(at("2025-03-08")),
    },
    {
      userId: s4.id,
      teamId: west.id,
      queryNorm: "atlas",
      resultCount: 4,
      clickedItemId: A.id,
      clickedPosition: 0,
      at: new Date(at("2025-03-12")),
    },
    {
      userId: s1.id,
      teamId: east.id,
      queryNorm: "atlas",
      resultCount: 4,
      clickedItemId: A.id,
      clickedPosition: 0,
      at: new Date(at("2025-03-13")),
    },
    { userId: s1.id, teamId: east.id, queryNorm: "pricing sheet", resultCount: 0, at: new Date(at("2025-03-19")) }, // after the range
  ]);

  const r1 = await createRequest(app.db, {
    user: s1,
    input: { text: "Healthcare case study", query: null },
    now: new Date(at("2025-03-01")),
  });
  await updateRequest(app.db, {
    user: marketer,
    id: r1.id,
    input: { status: "done", answerItemId: C.id, reply: null },
    now: new Date(at("2025-03-05")),
  });
  const r2 = await createRequest(app.db, { user: s4, input: { text: "West pricing", query: null }, now: new Date(at("2025-03-04")) });
  await updateRequest(app.db, {
    user: marketer,
    id: r2.id,
    input: { status: "done", answerItemId: B.id, reply: null },
    now: new Date(at("2025-03-10")),
  });
  await createRequest(app.db, {
    user: s2,
    input: { text: "A pricing sheet for Atlas", query: "Pricing  Sheet" },
    now: new Date(at("2025-03-12")),
  });
});
afterAll(() => app.close());

describe("item insights", () => {
  it("gives every team's usage and each rater's latest answer per item, for marketing", async () => {
    const rows = await itemInsights(app.db, { user: marketer, range: RANGE });
    expect(
      rows.map((r) => [
        r.title,
        r.views,
        r.uniqueSellers,
        r.shares,
        r.downloads,
        r.avgDwellS,
        r.useful,
        r.notUseful,
        r.usefulShare,
        r.score,
      ]),
    ).toEqual([
      // Alpha: s1 3 views + s2 1 + s4 1 + manager 1 (the marketer's preview and s5's later view do not count)
      ["Alpha", 6, 4, 1, 0, 30, 2, 1, 0.667, 0.208],
      ["Bravo", 3, 2, 0, 1, null, 0, 3, 0, 0],
      ["Charlie", 1, 1, 0, 0, null, 1, 0, 1, 0.207],
    ]);
  });

  it("limits a manager to the teams they lead", async () => {
    const rows = await itemInsights(app.db, { user: mgr, range: RANGE });
    expect(rows.map((r) => [r.title, r.views, r.uniqueSellers, r.useful, r.notUseful])).toEqual([
      ["Alpha", 5, 3, 2, 0],
      ["Bravo", 1, 1, 0, 2],
      ["Charlie", 1, 1, 1, 0],
    ]);
  });

  it("filters to one team for marketing", async () => {
    const rows = await itemInsights(app.db, { user: marketer, range: RANGE, teamId: west.id });
    expect(rows.map((r) => [r.title, r.views, r.uniqueSellers, r.useful, r.notUseful])).toEqual([
      ["Bravo", 2, 1, 0, 1],
      ["Alpha", 1, 1, 0, 1],
    ]);
  });

  it("refuses sellers, and managers asking for a team they do not lead, with 403", async () => {
    await expect(itemInsights(app.db, { user: seller, range: RANGE })).rejects.toMatchObject({ status: 403 });
    await expect(itemInsights(app.db, { user: mgr, range: RANGE, teamId: west.id })).rejects.toMatchObject({ status: 403 });
  });

  it("details one item: views per day, reasons, comments and the searches that led to it", async () => {
    const detail = await itemDetail(app.db, { user: marketer, itemId: A.id, range: RANGE });
    expect(detail.trend.length).toBe(14);
    expect(detail.trend.filter((d) => d.views > 0)).toEqual([
      { day: "2025-03-03", views: 2 },
      { day: "2025-03-04", views: 1 },
      { day: "2025-03-05", views: 1 },
      { day: "2025-03-11", views: 1 },
      { day: "2025-03-12", views: 1 },
    ]);
    expect(detail.reasons).toEqual([
      { reason: "too_long", count: 1 },
      { reason: "won_the_meeting", count: 1 },
    ]);
    expect(detail.comments.map((c) => [c.comment, c.useful, c.versionNumber, c.team])).toEqual([
      ["Too long for a first call", false, 2, "West team"],
    ]);
    expect(detail.searchTerms).toEqual([
      { query: "atlas", clicks: 2 },
      { query: "atlas deck", clicks: 1 },
    ]);
  });
});

describe("library health", () => {
  it("lists unused, stale, expiring and lowest-rated items", async () => {
    const h = await libraryHealth(app.db, { user: marketer, now: NOW });
    expect(h.unused.map((i) => i.title)).toEqual(["Delta", "Echo", "Foxtrot"]);
    expect(h.stale.map((i) => [i.title, i.detail])).toEqual([["Foxtrot", "Verification was due 2025-01-31"]]);
    // The library's rule: within 30 days, or already expired while the sweep has not archived it yet.
    expect(h.expiring.map((i) => [i.title, i.detail])).toEqual([["Echo", "Expires 2025-03-25"]]);
    // Only items with at least 3 ratings; Charlie has 2.
    expect(h.lowestRated.map((i) => [i.title, i.detail])).toEqual([
      ["Bravo", "0 of 3 found it useful"],
      ["Alpha", "2 of 3 found it useful"],
    ]);
  });

  it("is for marketing and admins only", async () => {
    await expect(libraryHealth(app.db, { user: mgr, now: NOW })).rejects.toMatchObject({ status: 403 });
  });
});

describe("content gaps", () => {
  it("groups searches with no results or no click by query, with the teams asking and open requests", async () => {
    const gaps = await contentGaps(app.db, { user: marketer, range: RANGE });
    expect(gaps).toEqual([
      { query: "pricing sheet", searches: 3, zeroResults: 3, noClick: 0, people: 3, teams: ["East team", "West team"], openRequests: 1 },
      { query: "northwind", searches: 1, zeroResults: 0, noClick: 1, people: 1, teams: ["East team"], openRequests: 0 },
    ]);
  });

  it("shows a manager only their teams' searches", async () => {
    const gaps = await contentGaps(app.db, { user: mgr, range: RANGE });
    expect(gaps.map((g) => [g.query, g.searches, g.teams])).toEqual([
      ["pricing sheet", 2, ["East team"]],
      ["northwind", 1, ["East team"]],
    ]);
  });
});

describe("adoption", () => {
  it("gives a manager weekly active sellers over team size for the teams they lead", async () => {
    const a = await adoption(app.db, { user: mgr, range: RANGE });
    expect(a.teams).toEqual([
      {
        teamId: east.id,
        team: "East team",
        region: "East",
        size: 3,
        weeks: [
          { week: "2025-03-03", active: 2, rate: 0.667 },
          { week: "2025-03-10", active: 2, rate: 0.667 },
        ],
        avgRate: 0.667,
        views: 7,
      },
    ]);
  });

  it("gives an admin every team, the overall trend and usage by region", async () => {
    const a = await adoption(app.db, { user: admin, range: RANGE });
    expect(a.teams.map((t) => [t.team, t.size, t.weeks.map((w) => w.active), t.avgRate, t.views])).toEqual([
      ["East team", 3, [2, 2], 0.667, 7],
      ["West team", 2, [0, 1], 0.25, 3], // s4: one Alpha view and two Bravo views
    ]);
    expect(a.overall).toEqual([
      { week: "2025-03-03", active: 2, size: 5, rate: 0.4 },
      { week: "2025-03-10", active: 3, size: 5, rate: 0.6 },
    ]);
    expect(a.regions).toEqual([
      { region: "East", views: 7, active: 2, size: 3 },
      { region: "West", views: 3, active: 1, size: 2 },
    ]);
  });

  it("is not for marketers or sellers (403)", async () => {
    await expect(adoption(app.db, { user: marketer, range: RANGE })).rejects.toMatchObject({ status: 403 });
    await expect(adoption(app.db, { user: seller, range: RANGE })).rejects.toMatchObject({ status: 403 });
  });
});

describe("effectiveness and top content", () => {
  it("places rated items in the usage × usefulness quadrant split at the medians", async () => {
    const q = effectivenessQuadrant(await itemInsights(app.db, { user: marketer, range: RANGE }));
    expect(q.splitViews).toBe(3);
    expect(q.splitScore).toBe(0.207);
    expect(q.points.map((p) => [p.title, p.quadrant])).toEqual([
      ["Alpha", "star"],
      ["Bravo", "fix"],
      ["Charlie", "hidden_gem"],
    ]);
  });

  it("lists the most used items and the least used published items the team could see", async () => {
    const { top, bottom } = await topAndBottom(app.db, { user: mgr, range: RANGE, limit: 2 });
    expect(top.map((t) => [t.title, t.views])).toEqual([
      ["Alpha", 5],
      ["Bravo", 1],
    ]);
    expect(bottom).toEqual([expect.objectContaining({ title: "Delta", views: 0 }), expect.objectContaining({ title: "Echo", views: 0 })]);
  });
});

describe("the Insights page's summary", () => {
  // One statement for the page must say what the full list and `topAndBottom` say, in every scope.
  const cases: [string, () => { user: U; teamId?: string }][] = [
    ["every team", () => ({ user: marketer })],
    ["a manager's team", () => ({ user: mgr })],
    ["one team picked by an admin", () => ({ user: admin, teamId: west.id })],
  ];
  it.each(cases)("gives the most viewed, the rated, the count and the least viewed as the full queries do (%s)", async (_, who) => {
    const { user, teamId } = who();
    const all = await itemInsights(app.db, { user, range: RANGE, teamId });
    const { bottom } = await topAndBottom(app.db, { user, range: RANGE, teamId, limit: 3 });
    const summary = await itemInsightsSummary(app.db, { user, range: RANGE, teamId, top: 1, bottom: 3 });
    expect(all.length).toBeGreaterThan(1);
    expect(summary.top).toEqual(all.slice(0, 1));
    expect(summary.rated).toEqual(all.filter((r) => r.useful + r.notUseful > 0));
    expect(summary.count).toBe(all.length);
    expect(summary.bottom).toEqual(bottom);
    expect(bottom.length).toBe(3);
  });

  it("loads the page with the figures of the full queries", async () => {
    const page = await loadInsightsPage(app, { user: admin, filters: { range: RANGE, teamId: null } });
    const all = await itemInsights(app.db, { user: admin, range: RANGE });
    // The page sends the fields it prints, each as the full list has it.
    expect(page.items.map((r) => r.itemId)).toEqual(all.slice(0, 25).map((r) => r.itemId));
    page.items.forEach((r, n) => expect(all[n]).toMatchObject(r));
    expect(page.items[0]).toHaveProperty("score");
    expect(page.itemsTable).toMatchObject({ total: all.length, pages: Math.ceil(all.length / 25) });
    const quadrant = effectivenessQuadrant(all);
    expect(page.quadrant).toEqual({ ...quadrant, points: quadrant.points.slice(0, 25), total: quadrant.points.length });
    const { top, bottom } = await topAndBottom(app.db, { user: admin, range: RANGE });
    expect(page.topBottom).toEqual({
      top: top.map(({ itemId, title, views, usefulShare }) => ({ itemId, title, views, usefulShare })),
      bottom,
    });
  });

  it("searches, sorts by every column and pages the items table as the full list has it", async () => {
    const all = await itemInsights(app.db, { user: admin, range: RANGE });
    const key: Record<ItemSort, (r: ItemInsight) => number | string> = {
      views: (r) => r.views,
      sellers: (r) => r.uniqueSellers,
      shares: (r) => r.shares,
      ratings: (r) => r.useful + r.notUseful,
      score: (r) => r.score,
      buyers: (r) => r.buyerShares,
      title: (r) => r.title.toLowerCase(),
    };
    for (const sort of ITEM_SORTS) {
      for (const dir of ["asc", "desc"] as const) {
        // Every page, three rows at a time: each item once, in order of the column.
        const seen: ItemInsight[] = [];
        for (let page = 1; seen.length < all.length; page++) {
          const { rows, total } = await itemInsightsPage(app.db, { user: admin, range: RANGE, sort, dir, page, pageSize: 3 });
          expect(total).toBe(all.length);
          expect(rows.length).toBeGreaterThan(0);
          seen.push(...rows);
        }
        expect(new Set(seen.map((r) => r.itemId)).size).toBe(all.length);
        const values = seen.map(key[sort]);
        const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(values, `${sort} ${dir}`).toEqual(dir === "asc" ? sorted : sorted.reverse());
        for (const r of seen) expect(r).toEqual(all.find((a) => a.itemId === r.itemId));
      }
    }
    // A word of a title, in another case; "%" is text; past the last page, the count still comes.
    const word = all[0].title.split(" ")[0];
    const found = await itemInsightsPage(app.db, { user: admin, range: RANGE, q: word.toUpperCase(), pageSize: 100 });
    expect(found.rows.map((r) => r.itemId).sort()).toEqual(
      all
        .filter((r) => r.title.toLowerCase().includes(word.toLowerCase()))
        .map((r) => r.itemId)
        .sort(),
    );
    expect((await itemInsightsPage(app.db, { user: admin, range: RANGE, q: "%", pageSize: 10 })).total).toBe(0);
    expect(await itemInsightsPage(app.db, { user: admin, range: RANGE, page: 999, pageSize: 10 })).toEqual({ rows: [], total: all.length });
    // Through the page: the table's own query and its count.
    const page = await loadInsightsPage(app, { user: admin, filters: { range: RANGE, teamId: null }, table: { q: word, sort: "title" } });
    expect(page.itemsTable).toMatchObject({ q: word, sort: "title", total: found.total });
    expect(page.items.map((r) => r.itemId)).toEqual(
      (await itemInsightsPage(app.db, { user: admin, range: RANGE, q: word, sort: "title", pageSize: 25 })).rows.map((r) => r.itemId),
    );
  });

  it("refuses a manager another team's page before anything is read or remembered", async () => {
    const filters = { range: RANGE, teamId: west.id };
    await expect(loadInsightsPage(app, { user: mgr, filters })).rejects.toMatchObject({ status: 403 });
  });
});

describe("alignment KPIs", () => {
  it("computes the shared KPIs over every team", async () => {
    expect(await alignmentKpis(app.db, { user: marketer, range: RANGE })).toEqual({
      range: RANGE,
      activeSellers: 3, // s1, s2, s4 (the manager is not a seller; s5 was active after the range)
      sellers: 5,
      contentPerSeller: 2, // s1 {Alpha, Bravo}, s2 {Alpha, Charlie}, s4 {Alpha, Bravo}
      ratings: 7,
      usefulShare: 0.429, // 3 of 7 latest answers
      gapsOpened: 2, // West pricing (03-04) and the pricing sheet (03-12)
      gapsClosed: 2, // answered 03-05 and 03-10
      zeroResultSearches: 3,
      medianDaysToContent: 5, // 4 and 6 days
    });
  });

  it("computes them for a manager's teams only", async () => {
    expect(await alignmentKpis(app.db, { user: mgr, range: RANGE })).toMatchObject({
      activeSellers: 2,
      sellers: 3,
      contentPerSeller: 2,
      ratings: 5,
      usefulShare: 0.6,
      gapsOpened: 1,
      gapsClosed: 1,
      zeroResultSearches: 2,
      medianDaysToContent: 4,
    });
  });
});

describe("insights API", () => {
  const get = async (loader: typeof itemsApi, path: string, user: U, accept = "application/json") =>
    (await loader(
      routeArgs(app, request(path, { cookie: await cookieFor(app, user.id), headers: { Accept: accept } })) as never,
    )) as Response;

  it("leads the page's CSV downloads with a byte order mark for spreadsheets, and not the API's CSV for scripts", async () => {
    const firstBytes = async (res: Response) => [...new Uint8Array(await res.arrayBuffer()).slice(0, 4)];
    const page = (await exportPage(
      routeArgs(
        app,
        request(`/insights/export?table=items&from=${RANGE.from}&to=${RANGE.to}`, { cookie: await cookieFor(app, marketer.id) }),
      ) as never,
    )) as Response;
    expect(page.headers.get("Content-Disposition")).toMatch(/attachment/);
    expect(await firstBytes(page)).toEqual([0xef, 0xbb, 0xbf, "I".charCodeAt(0)]);
    const api = await get(itemsApi, `/api/v1/insights/items?from=${RANGE.from}&to=${RANGE.to}`, marketer, "text/csv");
    expect(await firstBytes(api)).toEqual([..."Item"].map((c) => c.charCodeAt(0)));
  });

  it("returns item insights as JSON and as CSV on Accept: text/csv", async () => {
    const json = (await (await get(itemsApi, `/api/v1/insights/items?from=${RANGE.from}&to=${RANGE.to}`, marketer)).json()) as any;
    expect(json.items.map((i: any) => [i.title, i.views])).toEqual([
      ["Alpha", 6],
      ["Bravo", 3],
      ["Charlie", 1],
    ]);
    const csv = await get(itemsApi, `/api/v1/insights/items?from=${RANGE.from}&to=${RANGE.to}`, marketer, "text/csv");
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "Item id,Title,Type,Views,Unique sellers,Shares,Downloads,Average time (s),Useful,Not useful,Useful share,Found useful (adjusted; 0-1),Buyer shares,Buyer open rate",
    );
    expect(lines[1]).toBe(`${A.id},Alpha,one_pager,6,4,1,0,30,2,1,0.667,0.208,0,`);
    // Nobody rated Charlie: no useful share and no adjusted share, not 0.
    // An item nobody rated has no useful share and no adjusted share in the CSV, not 0 ("nobody found it useful").
    const unrated = { ...json.items[0], useful: 0, notUseful: 0, usefulShare: null, score: 0 };
    expect(itemsCsv([unrated]).split("\r\n")[1]).toMatch(/,0,0,,,0,$/);
  });

  it("returns adoption CSV with a row per team and week", async () => {
    const csv = await (await get(adoptionApi, `/api/v1/insights/adoption?from=${RANGE.from}&to=${RANGE.to}`, mgr, "text/csv")).text();
    expect(csv).toBe(
      "Team,Region,Week starting,Active sellers,Team size,Weekly active rate\r\nEast team,East,2025-03-03,2,3,0.667\r\nEast team,East,2025-03-10,2,3,0.667\r\n",
    );
  });

  it("answers a seller with 403, a manager asking for another team with 403, and a reversed range with 400", async () => {
    expect((await get(itemsApi, "/api/v1/insights/items", seller)).status).toBe(403);
    expect((await get(adoptionApi, `/api/v1/insights/adoption?team=${west.id}`, mgr)).status).toBe(403);
    const bad = await get(itemsApi, "/api/v1/insights/items?from=2025-03-10&to=2025-03-01", marketer);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toBe("`from` must not be after `to`.");
  });
});
