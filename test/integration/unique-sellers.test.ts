// Unique sellers per item over any range come from item_seller_gaps (decision 011): each seller's
// active day on an item, bucketed by the days since their previous one. These tests send days out of
// order, twice, and concurrently, and compare with the figure counted straight from the raw events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { ingestEvents } from "~/modules/usage/ingest.server";
import { rebuildRollups } from "@/db/usage-rollups";
import { itemInsights } from "~/modules/insights/item-insights.server";
import { FIRST_USE_GAP } from "@/db/schema";
import { rowsOf } from "@/db/client";
import { createTeam, createTestApp, createUser, type TestApp } from "../setup/app";
import { createItem, event, sessionUser } from "../setup/feedback";
import { seededRandom } from "../setup/random";

const NOW = new Date("2025-03-31T23:59:00Z");
/** A day of March 2025; from the 2nd on, all within the 30-day acceptance window before NOW. */
const march = (d: number) => `2025-03-${String(d).padStart(2, "0")}`;
const at = (d: number, hour = 10) => `${march(d)}T${String(hour).padStart(2, "0")}:00:00Z`;
const F = FIRST_USE_GAP;
/** Usage counts only while an item is visible (decision 019): these items were published before March. */
const PUBLISHED = new Date("2025-01-01T00:00:00Z");

let app: TestApp;
type U = ReturnType<typeof sessionUser>;
let admin: U;

beforeAll(async () => {
  app = await createTestApp();
  admin = sessionUser(await createUser(app, { role: "admin" }));
});
afterAll(() => app.close());

async function fieldUser(teamId: string, role: "seller" | "manager" = "seller"): Promise<U> {
  return sessionUser(
    await createUser(app, { role, teamId, leads: role === "manager" ? [teamId] : [] }),
    role === "manager" ? [teamId] : [],
  );
}

const send = (user: U, rows: ReturnType<typeof event>[]) => ingestEvents(app.db, { user, rows, now: NOW });
const views = (itemId: string, days: number[]) => days.map((d) => event("view", itemId, at(d)));

/** The maintained rows of one item: [day, gap, sellers], empty buckets left out. */
async function storedGaps(itemId: string) {
  return rowsOf<{ day: string; gap: number; sellers: number }>(
    await app.db.execute(sql`
      select day::text as day, gap, sellers from item_seller_gaps where item_id = ${itemId}::uuid and sellers <> 0 order by day, gap`),
  ).map((r) => [r.day, Number(r.gap), Number(r.sellers)]);
}

/** The same rows worked out from the raw events. */
async function gapsFromEvents(itemId: string) {
  return rowsOf<{ day: string; gap: number; sellers: number }>(
    await app.db.execute(sql`
      select day::text as day, gap, count(*)::int as sellers from (
        select day, coalesce(day - lag(day) over (partition by user_id order by day), ${F}) as gap from (
          select distinct (at at time zone 'UTC')::date as day, user_id from events where field and item_id = ${itemId}::uuid
        ) active
      ) g group by day, gap order by day, gap`),
  ).map((r) => [r.day, Number(r.gap), Number(r.sellers)]);
}

/**
 * Every range [from, to] inside March where the figure the insights use differs from count(distinct)
 * over the raw events; `teamId` compares the team-scoped path instead.
 */
async function rangesThatDisagree(itemId: string, teamId?: string) {
  const exact = sql`
    select r.f, r.t, count(distinct e.user_id)::int as n from ranges r
    join events e on e.field and e.item_id = ${itemId}::uuid and (e.at at time zone 'UTC')::date between r.f and r.t
      ${teamId ? sql`and e.team_id = ${teamId}::uuid` : sql``}
    group by r.f, r.t`;
  const fast = teamId
    ? sql`
    select r.f, r.t, count(distinct s.user_id)::int as n from ranges r
    join item_seller_daily s on s.item_id = ${itemId}::uuid and s.team_id = ${teamId}::uuid and s.day between r.f and r.t
    group by r.f, r.t`
    : sql`
    select r.f, r.t, sum(g.sellers)::int as n from ranges r
    join item_seller_gaps g on g.item_id = ${itemId}::uuid and g.day between r.f and r.t and g.gap > g.day - r.f
    group by r.f, r.t having sum(g.sellers) <> 0`;
  const rows = rowsOf<{ f: string; t: string; exact: number | null; fast: number | null }>(
    await app.db.execute(sql`
      with days as (select d::date as d from generate_series('2025-03-01'::date, '2025-03-31'::date, interval '1 day') d),
      ranges as (select a.d as f, b.d as t from days a join days b on a.d <= b.d),
      exact as (${exact}), fast as (${fast})
      select coalesce(exact.f, fast.f)::text as f, coalesce(exact.t, fast.t)::text as t, exact.n as exact, fast.n as fast
      from exact full join fast on fast.f = exact.f and fast.t = exact.t
      where exact.n is distinct from fast.n
      order by 1, 2 limit 5`),
  );
  return rows;
}

const uniqueSellers = async (itemId: string, from: number, to: number, teamId?: string) => {
  const [row] = await itemInsights(app.db, { user: admin, range: { from: march(from), to: march(to) }, itemId, teamId });
  return row?.uniqueSellers ?? 0;
};

describe("unique sellers per item", () => {
  it("moves a later day to its new gap when an earlier day arrives afterwards", async () => {
    const team = await createTeam(app);
    const s = await fieldUser(team.id);
    const item = await createItem(app, { publishedAt: PUBLISHED });
    await send(s, views(item.id, [20]));
    expect(await storedGaps(item.id)).toEqual([[march(20), F, 1]]);
    await send(s, views(item.id, [5])); // day 20 now comes 15 days after day 5
    expect(await storedGaps(item.id)).toEqual([
      [march(5), F, 1],
      [march(20), 15, 1],
    ]);
    await send(s, views(item.id, [12]));
    // Several new days in one batch, out of order, one of them already known (12), one between two known ones.
    await send(s, [...views(item.id, [28, 2, 12]), event("share", item.id, at(13, 23))]);
    expect(await storedGaps(item.id)).toEqual([
      [march(2), F, 1],
      [march(5), 3, 1],
      [march(12), 7, 1],
      [march(13), 1, 1],
      [march(20), 7, 1],
      [march(28), 8, 1],
    ]);
    expect(await gapsFromEvents(item.id)).toEqual(await storedGaps(item.id));
    expect([await uniqueSellers(item.id, 3, 19), await uniqueSellers(item.id, 14, 19), await uniqueSellers(item.id, 1, 31)]).toEqual([
      1, 0, 1,
    ]);
    expect(await rangesThatDisagree(item.id)).toEqual([]);
  });

  it("does not count a re-sent batch or an id repeated inside a batch", async () => {
    const team = await createTeam(app);
    const [a, b] = [await fieldUser(team.id), await fieldUser(team.id)];
    const item = await createItem(app, { publishedAt: PUBLISHED });
    const batch = views(item.id, [10, 3, 17]);
    expect(await send(a, [...batch, batch[0]])).toMatchObject({ accepted: 3, duplicates: 1 });
    await send(b, views(item.id, [3]));
    const before = await storedGaps(item.id);
    expect(before).toEqual([
      [march(3), F, 2],
      [march(10), 7, 1],
      [march(17), 7, 1],
    ]);
    expect(await send(a, batch)).toMatchObject({ accepted: 0, duplicates: 3 });
    // Idempotency is by event id: another seller re-sending a's ids adds nothing either.
    expect(await send(b, batch)).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await storedGaps(item.id)).toEqual(before);
    expect(await uniqueSellers(item.id, 1, 31)).toBe(2);
    expect(await uniqueSellers(item.id, 4, 31)).toBe(1);
  });

  it("counts each day of one seller once when their batches arrive at the same time", async () => {
    const team = await createTeam(app);
    const s = await fieldUser(team.id);
    const [item, other] = [await createItem(app, { publishedAt: PUBLISHED }), await createItem(app, { publishedAt: PUBLISHED })];
    const days = [14, 3, 27, 8, 21, 9, 2, 30, 16, 5, 22, 11];
    // Each batch is one day (plus another item, so the statements take a while and overlap).
    const results = await Promise.all(
      days.map((d) =>
        send(s, [...views(item.id, [d, d]), ...Array.from({ length: 40 }, (_, i) => event("view", other.id, at(d, i % 24)))]),
      ),
    );
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(days.length * 42);
    const sorted = [...days].sort((x, y) => x - y);
    expect(await storedGaps(item.id)).toEqual(sorted.map((d, i) => [march(d), i === 0 ? F : d - sorted[i - 1], 1]));
    expect(await storedGaps(other.id)).toEqual(await gapsFromEvents(other.id));
    expect(await rangesThatDisagree(item.id)).toEqual([]);
  });

  it("matches count(distinct) over the raw events for every range, whatever the order, for all teams and per team", async () => {
    const rnd = seededRandom(20250331);
    const [east, west] = [await createTeam(app), await createTeam(app)];
    const people = [
      await fieldUser(east.id),
      await fieldUser(east.id),
      await fieldUser(east.id, "manager"),
      await fieldUser(west.id),
      await fieldUser(west.id),
      await fieldUser(west.id),
    ];
    const items = [
      await createItem(app, { publishedAt: PUBLISHED }),
      await createItem(app, { publishedAt: PUBLISHED }),
      await createItem(app, { publishedAt: PUBLISHED }),
    ];
    // Each person: 25 events on random days and items, sent in random batches in random order;
    // people send at the same time as each other.
    await Promise.all(
      people.map(async (p) => {
        const rows = Array.from({ length: 25 }, () =>
          event(
            rnd() < 0.8 ? "view" : "share",
            items[Math.floor(rnd() * items.length)].id,
            at(2 + Math.floor(rnd() * 30), Math.floor(rnd() * 24)),
          ),
        );
        while (rows.length) {
          const batch = rows.splice(Math.floor(rnd() * rows.length), 1 + Math.floor(rnd() * 6));
          await send(p, batch);
        }
      }),
    );
    for (const item of items) {
      expect(await storedGaps(item.id)).toEqual(await gapsFromEvents(item.id));
      expect(await rangesThatDisagree(item.id)).toEqual([]);
      expect(await rangesThatDisagree(item.id, east.id)).toEqual([]);
      expect(await rangesThatDisagree(item.id, west.id)).toEqual([]);
    }
    // And through the insights themselves, every team and one team.
    const [all] = await itemInsights(app.db, { user: admin, range: { from: march(1), to: march(31) }, itemId: items[0].id });
    const [{ n }] = rowsOf<{ n: number }>(
      await app.db.execute(sql`select count(distinct user_id)::int as n from events where field and item_id = ${items[0].id}::uuid`),
    );
    expect(all.uniqueSellers).toBe(n);
    const [westOnly] = rowsOf<{ n: number }>(
      await app.db.execute(
        sql`select count(distinct user_id)::int as n from events where field and item_id = ${items[0].id}::uuid and team_id = ${west.id}::uuid`,
      ),
    );
    expect(await uniqueSellers(items[0].id, 1, 31, west.id)).toBe(westOnly.n);
  });

  it("rebuilds the same rows from the raw events as ingest maintained", async () => {
    const team = await createTeam(app);
    const [a, b] = [await fieldUser(team.id), await fieldUser(team.id)];
    const item = await createItem(app, { publishedAt: PUBLISHED });
    await send(a, views(item.id, [25, 4]));
    await send(b, views(item.id, [9]));
    await send(a, [...views(item.id, [15, 4]), event("dwell", item.id, at(15), { ms: 2_000 })]);
    await send(b, views(item.id, [2, 30]));
    const snapshot = async () => ({
      gaps: await storedGaps(item.id),
      totals: rowsOf(
        await app.db.execute(sql`
          select day::text, views, dwell_ms::int, dwells, shares, downloads, search_clicks from item_usage_daily
          where item_id = ${item.id}::uuid order by day`),
      ),
    });
    const incremental = await snapshot();
    expect(incremental.gaps).toEqual([
      [march(2), F, 1],
      [march(4), F, 1],
      [march(9), 7, 1],
      [march(15), 11, 1],
      [march(25), 10, 1],
      [march(30), 21, 1],
    ]);
    await rebuildRollups(app.db);
    expect(await snapshot()).toEqual(incremental);
  });
});
