// Upgrades of databases that already hold data: each hand-written backfill must leave the rows a fresh
// database would have, on PGlite and on PostgreSQL.
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rebuildRollups } from "@/db/usage-rollups";
import { rowsOf, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { createTestDatabase } from "../setup/databases";
import { migrationsUpTo } from "../setup/migrations";

type SellerRow = Record<"day" | "item_id" | "user_id" | "team_id", string> &
  Record<"events" | "views" | "dwell_ms" | "dwells" | "shares" | "downloads" | "search_clicks", number>;
const sellerRows = async (handle: DbHandle) =>
  rowsOf<SellerRow>(
    await handle.db.execute(sql`
      select day::text, item_id, user_id, team_id, events, views, dwell_ms::int as dwell_ms, dwells, shares, downloads, search_clicks
      from item_seller_daily order by 1, 2, 3`),
  );

describe("migration 0004 (usage counts per seller)", () => {
  it("fills the per-seller counts from the raw events, as a rebuild would, and drops the per-team table", async () => {
    const handle = await createTestDatabase({ migrated: false });
    try {
      await migrateDb(handle, migrationsUpTo("0003_insights_rollups"));
      const [a, b, team, item1, item2] = ["a", "b", "t", "i1", "i2"].map((k) => `md5('${k}')::uuid`);
      // Two sellers, two items, two days, every event type, and a marketer's preview (not field usage).
      await handle.db.execute(
        sql.raw(`
        insert into events (at, id, user_id, team_id, item_id, type, props, field) values
          ('2026-01-10T09:00:00Z', gen_random_uuid(), ${a}, ${team}, ${item1}, 'view', '{}', true),
          ('2026-01-10T09:01:00Z', gen_random_uuid(), ${a}, ${team}, ${item1}, 'dwell', '{"ms": 4500}', true),
          ('2026-01-10T09:02:00Z', gen_random_uuid(), ${a}, ${team}, ${item1}, 'share', '{}', true),
          ('2026-01-11T23:59:00Z', gen_random_uuid(), ${a}, ${team}, ${item1}, 'download', '{}', true),
          ('2026-01-11T10:00:00Z', gen_random_uuid(), ${b}, null, ${item1}, 'search_click', '{"query": "pricing"}', true),
          ('2026-01-11T10:00:00Z', gen_random_uuid(), ${b}, null, ${item2}, 'view', '{}', true),
          ('2026-01-11T11:00:00Z', gen_random_uuid(), ${b}, null, ${item2}, 'view', '{}', false)`),
      );
      // The rollups as the 0003 code kept them: per-seller rows held only their event count.
      await handle.db.execute(sql`
        insert into item_seller_daily (day, item_id, user_id, team_id, events)
        select (at at time zone 'UTC')::date, item_id, user_id, coalesce((array_agg(team_id order by at, id))[1], '00000000-0000-0000-0000-000000000000'), count(*)
        from events where field group by 1, 2, 3`);

      await migrateDb(handle);
      const upgraded = await sellerRows(handle);
      expect(upgraded.map((r) => [r.day, r.events, r.views, r.dwell_ms, r.dwells, r.shares, r.downloads, r.search_clicks])).toEqual(
        expect.arrayContaining([
          ["2026-01-10", 3, 1, 4500, 1, 1, 0, 0],
          ["2026-01-11", 1, 0, 0, 0, 0, 1, 0],
          ["2026-01-11", 1, 0, 0, 0, 0, 0, 1],
          ["2026-01-11", 1, 1, 0, 0, 0, 0, 0],
        ]),
      );
      expect(upgraded).toHaveLength(4);
      await rebuildRollups(handle.db);
      expect(await sellerRows(handle)).toEqual(upgraded);
      const [{ left }] = rowsOf<{ left: string | null }>(await handle.db.execute(sql`select to_regclass('usage_daily')::text as left`));
      expect(left).toBeNull();
    } finally {
      await handle.close();
    }
  });
});

describe("migration 0010 (visibility history)", () => {
  const windows = async (handle: DbHandle, item: string) =>
    rowsOf<{ team: string | null; from_at: string; to_at: string | null; open: boolean }>(
      await handle.db.execute(
        sql.raw(
          `select team_id::text as team, from_at::text, to_at::text, to_at is null as open from item_visibility where item_id = ${item} order by team_id nulls first, from_at`,
        ),
      ),
    );

  it("opens windows for published items and closes them for archived ones; triggers keep them after", { timeout: 90_000 }, async () => {
    const handle = await createTestDatabase({ migrated: false });
    try {
      await migrateDb(handle, migrationsUpTo("0005_search_static_covering"));
      const [east, west, open, westOnly, archived, draft, later] = ["east", "west", "open", "westOnly", "archived", "draft", "later"].map(
        (k) => `md5('${k}')::uuid`,
      );
      await handle.db.execute(sql.raw(`insert into teams (id, name, region) values (${east}, 'East', 'E'), (${west}, 'West', 'W')`));
      await handle.db.execute(
        sql.raw(`
        insert into items (id, type, title, status, published_at, created_at, updated_at) values
          (${open}, 'deck', 'Open', 'published', '2026-01-01T00:00:00Z', '2025-12-01T00:00:00Z', '2026-01-05T00:00:00Z'),
          (${westOnly}, 'deck', 'West', 'published', '2026-01-02T00:00:00Z', '2025-12-01T00:00:00Z', '2026-01-02T00:00:00Z'),
          (${archived}, 'deck', 'Gone', 'archived', '2026-01-03T00:00:00Z', '2025-12-01T00:00:00Z', '2026-02-01T00:00:00Z'),
          (${draft}, 'deck', 'Draft', 'draft', null, '2025-12-01T00:00:00Z', '2026-02-01T00:00:00Z')`),
      );
      await handle.db.execute(sql.raw(`insert into item_audiences (item_id, team_id) values (${westOnly}, ${west})`));

      await migrateDb(handle);
      const westId = rowsOf<{ id: string }>(await handle.db.execute(sql.raw(`select ${west}::text as id`)))[0].id;
      expect(await windows(handle, open)).toEqual([{ team: null, from_at: expect.stringMatching(/^2026-01-01/), to_at: null, open: true }]);
      expect(await windows(handle, westOnly)).toEqual([
        { team: westId, from_at: expect.stringMatching(/^2026-01-02/), to_at: null, open: true },
      ]);
      expect(await windows(handle, archived)).toEqual([
        { team: null, from_at: expect.stringMatching(/^2026-01-03/), to_at: expect.stringMatching(/^2026-02-01/), open: false },
      ]);
      expect(await windows(handle, draft)).toEqual([]);

      // After the upgrade the triggers keep the history: an archive closes the open window...
      await handle.db.execute(sql.raw(`update items set status = 'archived' where id = ${open}`));
      expect((await windows(handle, open)).map((w) => w.open)).toEqual([false]);
      // ...and an item written published with its audience in one transaction was never everyone's.
      await handle.db.transaction(async (tx) => {
        await tx.execute(
          sql.raw(
            `insert into items (id, type, title, status, published_at) values (${later}, 'deck', 'Later', 'published', now() - interval '1 day')`,
          ),
        );
        await tx.execute(sql.raw(`insert into item_audiences (item_id, team_id) values (${later}, ${east})`));
      });
      expect((await windows(handle, later)).map((w) => [w.team === null, w.open])).toEqual([[false, true]]);
      // Moving it to another team closes one window and opens another; nothing for everyone.
      await handle.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`delete from item_audiences where item_id = ${later}`));
        await tx.execute(sql.raw(`insert into item_audiences (item_id, team_id) values (${later}, ${west})`));
      });
      expect((await windows(handle, later)).map((w) => [w.team === westId, w.open])).toEqual([
        [false, false],
        [true, true],
      ]);
    } finally {
      await handle.close();
    }
  });
});

describe("migration 0019 (reminder claims)", () => {
  it("counts the reminders already told as claimed, so the first sweep after the upgrade repeats none", async () => {
    const handle = await createTestDatabase({ migrated: false });
    try {
      await migrateDb(handle, migrationsUpTo("0018_search_unspaced_scripts"));
      const [marketer, item] = ["marketer", "item"].map((k) => `md5('${k}')::uuid`);
      await handle.db.execute(
        sql.raw(`insert into users (id, email, name, role, password_hash) values (${marketer}, 'm@example.test', 'M', 'marketer', 'x')`),
      );
      // Published 100 days before the sweep, to be verified every 30: due since day 30, told then.
      await handle.db.execute(
        sql.raw(`insert into items (id, type, title, status, published_at, verify_interval_days)
          values (${item}, 'deck', 'Old deck', 'published', '2027-01-01T00:00:00Z', 30)`),
      );
      await handle.db.execute(
        sql.raw(`insert into notifications (user_id, kind, title, dedupe_key) values
          (${marketer}, 'verification_due', '“Old deck” is due for verification', 'verification_due:' || ${item} || ':2027-01-31'),
          (${marketer}, 'feedback_answered', 'An answer', 'feedback_answered:x')`),
      );
      await migrateDb(handle);
      const claims = rowsOf<{ key: string }>(await handle.db.execute(sql`select key from reminder_claims`));
      expect(claims.map((c) => c.key)).toEqual([expect.stringMatching(/^verification_due:[0-9a-f-]{36}:2027-01-31$/)]);
      const { sendReminders } = await import("~/modules/notifications/reminders.server");
      expect(await sendReminders(handle.db, new Date("2027-04-11T12:00:00Z"))).toEqual({ expiring: 0, verification: 0 });
    } finally {
      await handle.close();
    }
  });
});

describe("migration 0020 (pushed_at)", () => {
  it("marks the notices pushed in the last day, so today's push limits hold across the upgrade", async () => {
    const handle = await createTestDatabase({ migrated: false });
    try {
      await migrateDb(handle, migrationsUpTo("0019_reminder_claims"));
      const seller = `md5('seller')::uuid`;
      await handle.db.execute(
        sql.raw(`insert into users (id, email, name, role, password_hash) values (${seller}, 's@example.test', 'S', 'seller', 'x')`),
      );
      // Three new versions pushed an hour ago, a fourth kept in the app; one pushed two days ago.
      const made = rowsOf<{ id: number; title: string }>(
        await handle.db.execute(
          sql.raw(`insert into notifications (user_id, kind, title, created_at) values
            (${seller}, 'saved_item_updated', 'v1', now() - interval '1 hour'),
            (${seller}, 'saved_item_updated', 'v2', now() - interval '1 hour'),
            (${seller}, 'saved_item_updated', 'v3', now() - interval '1 hour'),
            (${seller}, 'saved_item_updated', 'v4', now() - interval '1 hour'),
            (${seller}, 'saved_item_updated', 'old', now() - interval '2 days')
            returning id, title`),
        ),
      );
      const pushedTitles = ["v1", "v2", "v3", "old"];
      for (const n of made.filter((m) => pushedTitles.includes(m.title))) {
        await handle.db.execute(
          sql`insert into jobs (kind, payload, created_at) values ('send_push', jsonb_build_object('id', ${n.id}::bigint),
            case when ${n.title} = 'old' then now() - interval '2 days' else now() - interval '1 hour' end)`,
        );
      }
      await migrateDb(handle);
      const rows = rowsOf<{ title: string; pushed: boolean }>(
        await handle.db.execute(sql`select title, pushed_at is not null as pushed from notifications order by title`),
      );
      expect(rows).toEqual([
        { title: "old", pushed: false },
        { title: "v1", pushed: true },
        { title: "v2", pushed: true },
        { title: "v3", pushed: true },
        { title: "v4", pushed: false },
      ]);
      // A fifth new version now finds the day's three pushes and waits in the app.
      const { notify } = await import("~/modules/notifications/notify.server");
      const [{ id }] = rowsOf<{ id: string }>(await handle.db.execute(sql.raw(`select ${seller} as id`)));
      await handle.db.execute(sql`insert into notification_settings (user_id, push_enabled) values (${id}::uuid, true)`);
      await notify(handle.db, { to: id, kind: "saved_item_updated", title: "v5" });
      const pushes = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from jobs where kind = 'send_push'`));
      expect(pushes[0].n).toBe(4);
    } finally {
      await handle.close();
    }
  });
});
