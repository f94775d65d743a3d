// The scale seed: N generated items in every status and type on top of the demo seed, usage through
// the rollups, feedback to answer; a second run adds nothing.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { users } from "@/db/schema";
import { ITEM_STATUSES, ITEM_TYPES, MESSAGING_TYPES } from "@/vocabulary/library";
import { loader as itemLoader } from "~/routes/_app.items.$id";
import { seedDemo } from "~/modules/demo/seed.server";
import { seedScale } from "~/modules/demo/scale.server";
import { cookieFor, createTestApp, request, respond, routeArgs, type TestApp } from "../setup/app";
import { withPublishing } from "../setup/publishing";

let app: TestApp;
const one = async <T>(query: ReturnType<typeof sql>) => rowsOf<T>(await app.db.execute(query))[0];

beforeAll(async () => {
  app = await createTestApp();
  await seedDemo(app.db);
}, 120_000);
afterAll(() => app.close());

describe("scale seed", () => {
  it("refuses to run without the demo seed underneath", async () => {
    const bare = await createTestApp();
    try {
      await expect(seedScale(bare.db, { items: 10 })).rejects.toThrow(/demo seed/);
    } finally {
      await bare.close();
    }
  });

  it("adds the items, their history and usage, and a second run adds nothing", async () => {
    const result = await seedScale(app.db, { items: 300, events: 6_000 });
    expect(result).toMatchObject({ items: 300, events: 6_000, skipped: false });
    expect(result.ratings).toBeGreaterThan(50);
    expect(result.requests).toBe(15);

    const statuses = rowsOf<{ status: string; n: number }>(
      await app.db.execute(sql`select status, count(*)::int as n from items where title like '% #%' group by status`),
    );
    expect(statuses.map((s) => s.status).sort()).toEqual([...ITEM_STATUSES].sort());
    const types = await one<{ n: number }>(sql`select count(distinct type)::int as n from items where title like '% #%'`);
    expect(types.n).toBe(ITEM_TYPES.length);

    // Every item has a version and tags; what is in review was submitted by someone.
    const gaps = await one<{ noVersion: number; noTags: number; unsubmitted: number }>(sql`select
      (select count(*) from items i where title like '% #%' and not exists (select 1 from item_versions v where v.item_id = i.id))::int as "noVersion",
      (select count(*) from items i where title like '% #%' and not exists (select 1 from item_tags t where t.item_id = i.id))::int as "noTags",
      (select count(*) from items i where title like '% #%' and status = 'in_review'
         and not exists (select 1 from item_transitions t where t.item_id = i.id and t.to_status = 'in_review'))::int as unsubmitted`);
    expect(gaps).toEqual({ noVersion: 0, noTags: 0, unsubmitted: 0 });
    // Internal-only messaging is not for buyers, as in the demo library.
    const internal = rowsOf<{ type: string; not_for_buyers: boolean }>(
      await app.db.execute(
        sql`select distinct type, not_for_buyers from items where title like '% #%' and (not_for_buyers or type in ('battle_card', 'objection_handling')) order by type`,
      ),
    );
    expect(internal).toEqual([
      { type: "battle_card", not_for_buyers: true },
      { type: "objection_handling", not_for_buyers: true },
    ]);

    // Usage went through the rollups: the per-item totals add up to the raw views.
    const usage = await one<{ raw: number; rolled: number; onUnpublished: number }>(sql`select
      (select count(*) from events where type = 'view' and user_id in (select id from users where email like '%@scale.test'))::int as raw,
      (select coalesce(sum(d.views), 0) from item_usage_daily d join items i on i.id = d.item_id where i.title like '% #%')::int as rolled,
      (select count(*) from events e join items i on i.id = e.item_id where i.title like '% #%' and i.status <> 'published')::int as "onUnpublished"`);
    expect(usage.raw).toBeGreaterThan(0);
    expect(usage.rolled).toBe(usage.raw);
    expect(usage.onUnpublished).toBe(0);

    // Spread as in a real library: each item used by several sellers on several days, some items far
    // more than others (an earlier version tied every item to one seller and a handful of days).
    const spread = await one<{ sellers: number; days: number; top: number; median: number }>(sql`
      with per as (select e.item_id, count(distinct e.user_id) as sellers, count(distinct e.at::date) as days, count(*) as n
                   from events e join items i on i.id = e.item_id where i.title like '% #%' group by e.item_id)
      select avg(sellers)::float8 as sellers, avg(days)::float8 as days, max(n)::int as top,
             (percentile_cont(0.5) within group (order by n))::float8 as median from per`);
    expect(spread.sellers).toBeGreaterThan(3);
    expect(spread.days).toBeGreaterThan(3);
    expect(spread.top).toBeGreaterThan(3 * spread.median);

    expect(await seedScale(app.db, { items: 300, events: 6_000 })).toMatchObject({ skipped: true, items: 0 });
    const again = await one<{ n: number }>(sql`select count(*)::int as n from items where title like '% #%'`);
    expect(again.n).toBe(300);
  }, 120_000);
});

describe("scale seed on the demo's files", () => {
  it("gives generated collateral a demo file of its type with its previews, and videos a link", async () => {
    const withFiles = await createTestApp();
    try {
      const pub = withPublishing(withFiles);
      await seedDemo(withFiles.db, { files: { storage: pub.storage, work: pub.files } });
      await pub.jobs.runUntilIdle();
      await seedScale(withFiles.db, { items: 44, events: 400 });
      const rows = rowsOf<{ type: string; fileKey: string | null; status: string; pages: number; videoUrl: string | null; demo: boolean }>(
        await withFiles.db.execute(sql`
          select it.type, v.file_key as "fileKey", v.preview_status as status, jsonb_array_length(v.previews)::int as pages,
                 it.video_url as "videoUrl",
                 exists (select 1 from item_versions dv join items di on di.id = dv.item_id
                         where dv.file_key = v.file_key and di.type = it.type and di.title not like '% #%') as demo
          from items it join item_versions v on v.item_id = it.id where it.title like '% #%' order by it.type`),
      );
      const byType = (type: string) => rows.filter((r) => r.type === type);
      for (const type of ["deck", "document", "one_pager", "image"]) {
        expect(byType(type).length, type).toBeGreaterThan(0);
        for (const r of byType(type)) expect(r, type).toMatchObject({ demo: true, status: "ready", pages: expect.any(Number) });
        expect(Math.min(...byType(type).map((r) => r.pages)), type).toBeGreaterThan(0);
      }
      for (const r of byType("spreadsheet")) expect(r).toMatchObject({ demo: true, status: "none" });
      for (const r of byType("video")) expect(r.videoUrl).toMatch(/^https:\/\//);
      for (const r of rows.filter((r) => MESSAGING_TYPES.includes(r.type as never))) expect(r.fileKey).toBeNull();

      // A seller opening a generated deck sees its pages.
      const deck = rowsOf<{ id: string }>(
        await withFiles.db.execute(sql`select id from items where title like '% #%' and type = 'deck' and status = 'published' limit 1`),
      )[0];
      const [seller] = await withFiles.db.select().from(users).where(eq(users.email, "seller@demo.test"));
      const cookie = await cookieFor(withFiles, seller.id);
      const args = routeArgs(withFiles, request(`/items/${deck.id}`, { cookie }), { id: deck.id });
      const view = (await respond(() => itemLoader(args as never))) as { current: { previews: unknown[] } };
      expect(view.current.previews.length).toBeGreaterThan(0);
    } finally {
      await withFiles.close();
    }
  }, 180_000);
});
