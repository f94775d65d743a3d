import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { action as eventsApi } from "~/routes/api.v1.events";
import { EventRateLimiter } from "~/modules/usage/rate-limit.server";
import { ingestEvents } from "~/modules/usage/ingest.server";
import { rebuildRollups } from "@/db/usage-rollups";
import { events, itemSellerDaily, sellerDaily } from "@/db/schema";
import { rowsOf } from "@/db/client";
import { cookieFor, createTeam, createTestApp, createUser, request, routeArgs, type TestApp } from "../setup/app";
import { createItem, event, sessionUser } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const post = async (cookie: string, json: unknown) => {
  const res = (await eventsApi(routeArgs(app, request("/api/v1/events", { method: "POST", json, cookie })) as never)) as Response;
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
};

async function seller() {
  const team = await createTeam(app);
  const user = await createUser(app, { role: "seller", teamId: team.id });
  return { team, user, cookie: await cookieFor(app, user.id) };
}

/** The per-seller rows, which carry the usage counts team views sum. */
const usageFor = (itemId: string) => app.db.select().from(itemSellerDaily).where(eq(itemSellerDaily.itemId, itemId));

describe("POST /api/v1/events", () => {
  it("stores a valid batch and adds it to the seller's daily rollups, under their team", async () => {
    const { team, user, cookie } = await seller();
    const item = await createItem(app);
    const at = new Date();
    const res = await post(cookie, [
      event("view", item.id, at, { source: "search" }),
      event("view", item.id, at),
      event("dwell", item.id, at, { ms: 4_500 }),
      event("share", item.id, at, { channel: "email" }),
      event("download", item.id, at),
      event("search_click", item.id, at, { query: "pricing", position: 2 }),
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 6, duplicates: 0, clamped: 0, rejected: [] });
    expect(await usageFor(item.id)).toEqual([
      {
        day: at.toISOString().slice(0, 10),
        itemId: item.id,
        userId: user.id,
        teamId: team.id,
        events: 6,
        views: 2,
        dwellMs: 4_500,
        dwells: 1,
        shares: 1,
        downloads: 1,
        searchClicks: 1,
      },
    ]);
    const [totals] = rowsOf<{ views: number; shares: number }>(
      await app.db.execute(sql`select views, shares from item_usage_daily where item_id = ${item.id}::uuid`),
    );
    expect(totals).toEqual({ views: 2, shares: 1 });
    const active = await app.db.select().from(sellerDaily).where(eq(sellerDaily.userId, user.id));
    expect(active.map((a) => a.events)).toEqual([6]);
  });

  it("counts a re-sent batch as duplicates without counting it twice", async () => {
    const { cookie } = await seller();
    const item = await createItem(app);
    const batch = [event("view", item.id, new Date()), event("view", item.id, new Date())];
    expect((await post(cookie, batch)).body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect((await post(cookie, batch)).body).toMatchObject({ accepted: 0, duplicates: 2 });
    const [row] = await usageFor(item.id);
    expect(row.views).toBe(2);
    expect((await app.db.select().from(events).where(eq(events.itemId, item.id))).length).toBe(2);
  });

  it("treats the same id twice in one batch as one event and one duplicate", async () => {
    const { cookie } = await seller();
    const item = await createItem(app);
    const e = event("view", item.id, new Date());
    expect((await post(cookie, [e, e])).body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await usageFor(item.id))[0].views).toBe(1);
  });

  it("stores the valid rows of a mixed batch and reports each bad one by index", async () => {
    const { cookie } = await seller();
    const item = await createItem(app);
    const res = await post(cookie, [
      event("view", item.id, new Date()),
      { id: "not-a-uuid", type: "view", itemId: item.id, at: new Date().toISOString() },
      event("teleport", item.id, new Date()),
      event("dwell", item.id, new Date()),
      event("view", item.id, "yesterday"),
      event("view", item.id, new Date()),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: any) => [r.index, r.code])).toEqual([
      [1, "invalid"],
      [2, "invalid"],
      [3, "invalid"],
      [4, "invalid"],
    ]);
    expect(res.body.rejected[0].message).toMatch(/id: must be a UUID/);
    expect(res.body.rejected[1].message).toMatch(/type must be one of view, dwell/);
    expect(res.body.rejected[2].message).toMatch(/props/);
    expect((await usageFor(item.id))[0].views).toBe(2);
  });

  it("rejects events for unknown items and for items outside the seller's audience", async () => {
    const { cookie } = await seller();
    const otherTeam = await createTeam(app);
    const hidden = await createItem(app, { audiences: [otherTeam.id] });
    const res = await post(cookie, [
      event("view", "00000000-0000-4000-8000-000000000000", new Date()),
      event("view", hidden.id, new Date()),
    ]);
    expect(res.body).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(res.body.rejected.map((r: any) => [r.index, r.code])).toEqual([
      [0, "unknown_item"],
      [1, "unknown_item"],
    ]);
    expect(await usageFor(hidden.id)).toEqual([]);
  });

  it("clamps times more than five minutes ahead to the server's time", async () => {
    const { cookie } = await seller();
    const item = await createItem(app);
    const before = Date.now();
    const e = event("view", item.id, new Date(Date.now() + 3 * 86_400_000));
    const res = await post(cookie, [e, event("view", item.id, new Date(Date.now() + 60_000))]);
    expect(res.body).toMatchObject({ accepted: 2, clamped: 1 });
    const [stored] = await app.db.select().from(events).where(eq(events.id, e.id));
    expect(stored.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(stored.at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("rejects events older than 30 days as too_old", async () => {
    const { cookie } = await seller();
    const item = await createItem(app, { publishedAt: new Date(Date.now() - 40 * 86_400_000) });
    const res = await post(cookie, [
      event("view", item.id, new Date(Date.now() - 31 * 86_400_000)),
      event("view", item.id, new Date(Date.now() - 29 * 86_400_000)),
    ]);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([{ index: 0, code: "too_old", message: "Events older than 30 days are not accepted." }]);
  });

  it("answers more than 500 events with 413 and stores none", async () => {
    const { cookie } = await seller();
    const item = await createItem(app);
    const res = await post(
      cookie,
      Array.from({ length: 501 }, () => event("view", item.id, new Date())),
    );
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(await usageFor(item.id)).toEqual([]);
  });

  it("answers a body that is not an array with 400 and an anonymous caller with 401", async () => {
    const { cookie } = await seller();
    expect((await post(cookie, { type: "view" })).status).toBe(400);
    const anon = await post("", []);
    expect(anon.status).toBe(401);
  });

  it("stores a marketer's previews without counting them as field usage", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const item = await createItem(app);
    const res = await post(await cookieFor(app, marketer.id), [event("view", item.id, new Date())]);
    expect(res.body.accepted).toBe(1);
    expect(await usageFor(item.id)).toEqual([]);
    const [stored] = await app.db.select().from(events).where(eq(events.itemId, item.id));
    expect(stored.field).toBe(false);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After once a user's bucket is empty, and other users are unaffected", async () => {
    const limited = { ...app, services: { feedback: { eventLimiter: new EventRateLimiter({ capacity: 3, refillPerSecond: 0.001 }) } } };
    const item = await createItem(app);
    const a = await seller();
    const b = await seller();
    const send = (cookie: string, n: number) =>
      eventsApi(
        routeArgs(
          limited,
          request("/api/v1/events", { method: "POST", cookie, json: Array.from({ length: n }, () => event("view", item.id, new Date())) }),
        ) as never,
      ) as Promise<Response>;
    expect((await send(a.cookie, 3)).status).toBe(200);
    const refused = await send(a.cookie, 1);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(((await refused.json()) as any).error.code).toBe("rate_limited");
    expect((await send(b.cookie, 1)).status).toBe(200);
  });
});

describe("rollup rebuild", () => {
  it("recomputes exactly the figures the incremental path produced", async () => {
    const { user, team } = await seller();
    const manager = await createUser(app, { role: "manager", teamId: team.id, leads: [team.id] });
    const item = await createItem(app);
    const day = (d: number) => new Date(Date.now() - d * 86_400_000);
    await ingestEvents(app.db, {
      user: sessionUser(user),
      rows: [
        event("view", item.id, day(2)),
        event("view", item.id, day(1)),
        event("dwell", item.id, day(1), { ms: 1000 }),
        event("share", item.id, day(0)),
      ],
    });
    // A day before the ones already counted, as an offline phone would send it.
    await ingestEvents(app.db, { user: sessionUser(user), rows: [event("view", item.id, day(5))] });
    await ingestEvents(app.db, {
      user: sessionUser(manager, [team.id]),
      rows: [event("view", item.id, day(1)), event("download", item.id, day(0))],
    });
    const snapshot = async () => ({
      sellers: await app.db.execute(
        sql`select day::text, item_id, user_id, team_id, events, views, dwell_ms::int, dwells, shares, downloads, search_clicks from item_seller_daily order by 1, 2, 3`,
      ),
      active: await app.db.execute(sql`select day::text, user_id, team_id, events, views from seller_daily order by 1, 2`),
      totals: await app.db.execute(
        sql`select day::text, item_id, views, dwell_ms::int, dwells, shares, downloads, search_clicks from item_usage_daily order by 1, 2`,
      ),
      // Buckets emptied by a late earlier day stay behind at zero; the rebuild does not make them.
      gaps: await app.db.execute(sql`select day::text, item_id, gap, sellers from item_seller_gaps where sellers <> 0 order by 1, 2, 3`),
    });
    const incremental = JSON.stringify(await snapshot());
    const { events: n } = await rebuildRollups(app.db);
    expect(n).toBeGreaterThanOrEqual(7);
    expect(JSON.stringify(await snapshot())).toBe(incremental);
  });
});
