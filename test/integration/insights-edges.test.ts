// Insights figures at the edges the main suite's tidy data never reaches: many items tied on views whose
// titles differ in case (page 1 of the items table comes from one statement, page 2 from another), and
// sellers deactivated or moved to another team after they were active.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items, shareItems, shares, users } from "@/db/schema";
import { ingestEvents } from "~/modules/usage/ingest.server";
import { adoption } from "~/modules/insights/adoption.server";
import { alignmentKpis } from "~/modules/insights/alignment.server";
import { itemInsights } from "~/modules/insights/item-insights.server";
import { itemDetail } from "~/modules/insights/item-report.server";
import { sellerDetail } from "~/modules/insights/seller-detail.server";
import { buyerInsightsForItem } from "~/modules/shares/engagement.server";
import { PAGE_ITEMS, loadInsightsPage } from "~/modules/insights/page.server";
import { loader as auditPage } from "~/routes/_app.admin.audit";
import { loader as itemInsightsPage } from "~/routes/_app.insights.items.$id";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, statusOf, type TestApp } from "../setup/app";
import { createItem, event, sessionUser } from "../setup/feedback";

const NOW = new Date("2025-03-20T12:00:00Z");
const RANGE = { from: "2025-03-03", to: "2025-03-16" }; // two Monday-start weeks
type U = ReturnType<typeof sessionUser>;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const send = (user: U, rows: ReturnType<typeof event>[]) => ingestEvents(app.db, { user, rows, now: NOW });

describe("the Insights items table", () => {
  it("lists every item once across pages when many tie on views and their titles differ in case", async () => {
    const team = await createTeam(app);
    const seller = sessionUser(await createUser(app, { role: "seller", teamId: team.id }));
    const admin = sessionUser(await createUser(app, { role: "admin", teamId: null }));
    // Under the C collation "Zebra" sorts before "apple", and "apple" before "iPad": one tie, two orders.
    const words = ["apple", "Banana", "cherry", "Date", "iPad", "Zebra", "éclair", "Éclair", "kiwi", "Lime"];
    const titles = Array.from({ length: PAGE_ITEMS + 10 }, (_, n) => `${words[n % words.length]} ${String.fromCharCode(97 + (n % 26))}`);
    const made = [];
    for (const title of titles) made.push(await createItem(app, { title, publishedAt: new Date("2025-01-01T00:00:00Z") }));
    // Everything viewed once, so page 1's last rows and page 2's first are all ties.
    await send(
      seller,
      made.map((item) => event("view", item.id, "2025-03-05T10:00:00Z")),
    );
    const filters = { range: RANGE, teamId: null };
    const first = await loadInsightsPage(app, { user: admin, filters });
    const second = await loadInsightsPage(app, { user: admin, filters, table: { page: 2 } });
    const listed = [...first.items, ...second.items].map((r) => r.itemId);
    expect(first.items).toHaveLength(PAGE_ITEMS);
    expect(new Set(listed).size).toBe(made.length);
    // The API and CSV list them in the same order.
    expect(listed).toEqual((await itemInsights(app.db, { user: admin, range: RANGE })).map((r) => r.itemId));
  });
});

describe("adoption and alignment when people leave or move", () => {
  it("count as active only sellers in the team today, so a rate never passes 100 %", async () => {
    const east = await createTeam(app, "Leavers east", "East");
    const west = await createTeam(app, "Leavers west", "West");
    const manager = sessionUser(await createUser(app, { role: "manager", teamId: east.id, leads: [east.id, west.id] }), [east.id, west.id]);
    const sellers: U[] = [];
    for (let n = 0; n < 5; n++) sellers.push(sessionUser(await createUser(app, { role: "seller", teamId: east.id })));
    const item = await createItem(app, { publishedAt: new Date("2025-01-01T00:00:00Z") });
    // All five active in East in week 1; only the first in week 2.
    for (const s of sellers) await send(s, [event("view", item.id, "2025-03-04T10:00:00Z")]);
    await send(sellers[0], [event("view", item.id, "2025-03-11T10:00:00Z")]);
    // Then two leave the company and one moves to West.
    for (const s of sellers.slice(3)) await app.db.update(users).set({ active: false }).where(eq(users.id, s.id));
    await app.db.update(users).set({ teamId: west.id }).where(eq(users.id, sellers[2].id));

    const a = await adoption(app.db, { user: manager, range: RANGE });
    const row = (name: string) => a.teams.find((t) => t.team === name)!;
    expect(row("Leavers east")).toMatchObject({
      size: 2,
      weeks: [
        { week: "2025-03-03", active: 2, rate: 1 },
        { week: "2025-03-10", active: 1, rate: 0.5 },
      ],
      views: 6,
    });
    // The mover was active in East, not in West: West's weeks stay at 0 of 1.
    expect(row("Leavers west")).toMatchObject({ size: 1, weeks: [{ active: 0 }, { active: 0 }] });
    for (const t of a.teams) for (const w of t.weeks) expect(w.rate).toBeLessThanOrEqual(1);
    expect(a.overall.map((w) => w.active)).toEqual([2, 1]);

    const kpis = await alignmentKpis(app.db, { user: manager, range: RANGE });
    expect(kpis).toMatchObject({ activeSellers: 3, sellers: 3, contentPerSeller: 1 });
  });

  it("weights each week's rate by its days in the range, so a week cut to one day counts a seventh", async () => {
    const team = await createTeam(app, "Cut weeks", "North");
    const manager = sessionUser(await createUser(app, { role: "manager", teamId: team.id, leads: [team.id] }), [team.id]);
    const sellers: U[] = [];
    for (let n = 0; n < 4; n++) sellers.push(sessionUser(await createUser(app, { role: "seller", teamId: team.id })));
    const item = await createItem(app, { publishedAt: new Date("2025-01-01T00:00:00Z") });
    for (const s of sellers) await send(s, [event("view", item.id, "2025-03-05T10:00:00Z")]);
    await send(sellers[0], [event("view", item.id, "2025-03-10T10:00:00Z")]);
    // A whole week at 4 of 4, then Monday alone at 1 of 4: (1 × 7 + 0.25 × 1) ÷ 8, not (1 + 0.25) ÷ 2.
    const a = await adoption(app.db, { user: manager, range: { from: "2025-03-03", to: "2025-03-10" }, teamId: team.id });
    expect(a.teams[0]).toMatchObject({ weeks: [{ rate: 1 }, { rate: 0.25 }], avgRate: 0.906 });
  });
});

describe("one item's insights page", () => {
  it("answers a manager asking for a draft or another team's unused item as for a random id", async () => {
    const east = await createTeam(app, "Report east", "East");
    const west = await createTeam(app, "Report west", "West");
    const manager = sessionUser(await createUser(app, { role: "manager", teamId: east.id, leads: [east.id] }), [east.id]);
    const seller = sessionUser(await createUser(app, { role: "seller", teamId: east.id }));
    const draft = await createItem(app, { title: "Unannounced draft", status: "draft" });
    const westOnly = await createItem(app, { title: "West only", audiences: [west.id] });
    const open = await createItem(app, { title: "For everyone" });
    const usedThenArchived = await createItem(app, { title: "Used, then archived", publishedAt: new Date("2025-01-01T00:00:00Z") });
    await send(seller, [event("view", usedThenArchived.id, "2025-03-05T10:00:00Z")]);
    await app.db.update(items).set({ status: "archived" }).where(eq(items.id, usedThenArchived.id));
    const detail = (itemId: string) =>
      itemDetail(app.db, { user: manager, itemId, range: RANGE }).then(
        (d) => d.title,
        (e: { status?: number; message?: string }) => `${e.status} ${e.message}`,
      );
    const random = await detail("00000000-0000-4000-8000-000000000000");
    expect(random).toMatch(/^404 /);
    expect(await detail(draft.id)).toBe(random);
    expect(await detail(westOnly.id)).toBe(random);
    expect(await detail(open.id)).toBe("For everyone");
    expect(await detail(usedThenArchived.id)).toBe("Used, then archived");
  });
});

describe("dates at the end of the calendar", () => {
  it("reads a range ending on 9999-12-31 on an item's insights page and in the audit log (the day after it was a 500)", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const admin = await createUser(app, { role: "admin" });
    const item = await createItem(app, { title: "Calendar's end" });
    const cookie = await cookieFor(app, marketer.id);
    const page = await respond(() =>
      itemInsightsPage(
        routeArgs(app, request(`/insights/items/${item.id}?from=9999-12-01&to=9999-12-31`, { cookie }), {
          id: item.id,
        }) as never,
      ),
    );
    expect(statusOf(page)).toBe(200);
    const audit = await respond(async () =>
      auditPage(routeArgs(app, request("/admin/audit?from=9999-12-01&to=9999-12-31", { cookie: await cookieFor(app, admin.id) })) as never),
    );
    expect(statusOf(audit)).toBe(200);
  });
});

describe("a manager who leads a team other than their own", () => {
  it("does not bring that team's items into the Insights of their own team's lead", async () => {
    const east = await createTeam(app, "Lead east", "East");
    const west = await createTeam(app, "Lead west", "West");
    // In East, leading West: their views and ratings are stored under East, their own team.
    const both = sessionUser(await createUser(app, { role: "manager", teamId: east.id, leads: [west.id] }), [west.id]);
    const eastLead = sessionUser(await createUser(app, { role: "manager", teamId: east.id, leads: [east.id] }), [east.id]);
    const westSeller = sessionUser(await createUser(app, { role: "seller", teamId: west.id }));
    const admin = sessionUser(await createUser(app, { role: "admin", teamId: null }));
    const secret = await createItem(app, {
      title: "West-only pricing secret",
      audiences: [west.id],
      publishedAt: new Date("2025-01-01T00:00:00Z"),
    });
    const open = await createItem(app, { title: "For everyone, seen by the lead", publishedAt: new Date("2025-01-01T00:00:00Z") });
    await send(both, [event("view", secret.id, "2025-03-05T10:00:00Z"), event("view", open.id, "2025-03-05T10:01:00Z")]);
    const titles = async (user: U) => (await itemInsights(app.db, { user, range: RANGE })).map((r) => r.title);
    expect(await titles(eastLead)).toContain("For everyone, seen by the lead");
    expect(await titles(eastLead)).not.toContain("West-only pricing secret");
    expect(await titles(admin)).toContain("West-only pricing secret");
    const detail = (user: U, itemId: string) =>
      itemDetail(app.db, { user, itemId, range: RANGE }).then(
        (d) => d.title,
        (e: { status?: number }) => e.status,
      );
    expect(await detail(eastLead, secret.id)).toBe(404);
    expect(await detail(eastLead, open.id)).toBe("For everyone, seen by the lead");
    // A seller who moved from West to East: their West days stay in their history, not for East's lead.
    const moved = sessionUser(await createUser(app, { role: "seller", teamId: west.id }));
    await send(moved, [event("view", secret.id, "2025-03-05T11:00:00Z"), event("view", open.id, "2025-03-05T11:01:00Z")]);
    await app.db.update(users).set({ teamId: east.id }).where(eq(users.id, moved.id));
    const history = await sellerDetail(app.db, { user: eastLead, sellerId: moved.id, range: RANGE });
    expect(history.items.rows.map((r) => r.title)).toEqual(["For everyone, seen by the lead"]);
    const all = await sellerDetail(app.db, { user: admin, sellerId: moved.id, range: RANGE });
    expect(all.items.rows.map((r) => r.title).sort()).toEqual(["For everyone, seen by the lead", "West-only pricing secret"]);

    // Buyer engagement on the item's page is the page's teams' too: a West seller's share is not East's.
    const [share] = await app.db
      .insert(shares)
      .values({
        token: `t-${Date.now()}`,
        userId: westSeller.id,
        teamId: west.id,
        expiresAt: new Date("2026-01-01T00:00:00Z"),
        createdAt: new Date("2025-03-06T09:00:00Z"),
      })
      .returning();
    await app.db.insert(shareItems).values({ shareId: share.id, position: 1, itemId: open.id });
    const range = { from: new Date("2025-03-03T00:00:00Z"), to: new Date("2025-03-17T00:00:00Z") };
    expect((await buyerInsightsForItem(app.db, open.id, range, [east.id])).shares).toBe(0);
    expect((await buyerInsightsForItem(app.db, open.id, range, [west.id])).shares).toBe(1);
    expect((await buyerInsightsForItem(app.db, open.id, range)).shares).toBe(1);
  });
});
