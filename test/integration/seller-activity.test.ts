// Insights → Sellers' activity: every current seller of the scope's teams with their active days, views,
// last active day and ratings in the range, the least active first; searched, sorted and paged; a manager
// sees only the teams they lead.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as sellersLoader } from "~/routes/_app.insights.sellers";
import { ratings, sellerDaily, users } from "@/db/schema";
import { eq } from "drizzle-orm";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { createItem } from "../setup/feedback";

let app: TestApp;
const cookie: Record<string, string> = {};
const id: Record<string, string> = {};
const team: Record<string, string> = {};
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
  const item = await createItem(app, { publishedAt: new Date(Date.now() - 20 * 86_400_000) });
  await app.db
    .insert(ratings)
    .values({ itemId: item.id, versionId: item.versions[0].id, userId: id.ana, teamId: team.North, useful: true, at: new Date() });
}, 60_000);
afterAll(() => app.close());

describe("sellers' activity", () => {
  it("lists a manager's sellers, the least active first, with their figures for the range", async () => {
    const page = await view("mgr");
    expect(page.rows.map((r) => [r.name, r.activeDays, r.views, r.lastDay, r.ratings])).toEqual([
      ["Person bo", 0, 0, null, 0],
      ["Person ana", 3, 5, day(2), 1],
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
