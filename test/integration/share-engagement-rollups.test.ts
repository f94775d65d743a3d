// Buyer engagement is read from rollups kept by the statement that stores the buyer's events (the share's
// counters, `share_page_reads`, `share_viewers`). These tests send a messy mix — concurrent posts, re-sent
// batches, a forwarded link, positions outside the share, downloads — and check every figure the seller,
// marketing and the API show against the same figure summed from raw `share_events`; and that migration
// 0014 fills the rollups from the events already stored.
import { randomBytes, randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf, type Db } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { itemVersions, jobs, notificationSettings, notifications, shareItems, shares } from "@/db/schema";
import { resolvePrefs } from "~/modules/notifications/kinds.server";
import { MAIL_NOTIFICATION_JOB, SEND_PUSH_JOB } from "~/modules/notifications/notify.server";
import { recordBuyerEvents } from "~/modules/shares/buyer.server";
import { READ_MS, buyerInsightsForItem, engagementFor, summariesFor } from "~/modules/shares/engagement.server";
import { createTestApp, createUser, type TestApp } from "../setup/app";
import { createTestDatabase } from "../setup/databases";
import { migrationsBefore } from "../setup/migrations";
import { createItem } from "../setup/feedback";
import { seededRandom } from "../setup/random";

const CHROME = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
const DAY = 86_400_000;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function makeShare(db: Db, userId: string, itemIds: string[], allowDownload = true) {
  const [share] = await db
    .insert(shares)
    .values({
      token: randomBytes(32).toString("base64url"),
      userId,
      recipientName: "Dana",
      expiresAt: new Date(Date.now() + 7 * DAY),
      allowDownload,
    })
    .returning();
  await db.insert(shareItems).values(itemIds.map((itemId, i) => ({ shareId: share.id, position: i + 1, itemId })));
  // Eight pages each: the traffic reads pages 1 to 8.
  await db.update(itemVersions).set({ pageCount: 8 }).where(inArray(itemVersions.itemId, itemIds));
  return share;
}

type Event = { id: string; type: "open" | "page" | "download"; position?: number; page?: number; ms?: number };

/** Posts as the buyer's page makes them: a viewer's open, then heartbeats and downloads, some re-sent. */
function traffic(seed: number, viewers: string[]) {
  const random = seededRandom(seed);
  const posts: { viewer: string; events: Event[] }[] = [];
  for (const viewer of viewers) {
    posts.push({ viewer, events: [{ id: randomUUID(), type: "open" }] });
    for (let p = 0; p < 6; p++) {
      const events: Event[] = Array.from({ length: 1 + Math.floor(random() * 12) }, () => ({
        id: randomUUID(),
        type: "page" as const,
        // Position 3 is not in the two-item share: dropped.
        position: 1 + Math.floor(random() * 3),
        page: 1 + Math.floor(random() * 8),
        ms: Math.floor(random() * 4_000),
      }));
      if (random() < 0.3) events.push({ id: randomUUID(), type: "download", position: 1 });
      if (random() < 0.2) events.push({ id: randomUUID(), type: "open" });
      posts.push({ viewer, events });
    }
  }
  // Retries after lost answers: the same batches again.
  return [...posts, ...posts.filter((_, i) => i % 4 === 1)];
}

/** Every figure, summed from raw `share_events` the way the views summed them before the rollups. */
async function rawFigures(db: Db, shareId: string) {
  const [counts] = rowsOf<{ opens: number; viewers: number; downloads: number }>(
    await db.execute(sql`
      select count(*) filter (where type = 'open')::int as opens, count(distinct viewer) filter (where type = 'open')::int as viewers,
             count(*) filter (where type = 'download')::int as downloads
      from share_events where share_id = ${shareId}`),
  );
  const pages = rowsOf<{ position: number; page: number; ms: number }>(
    await db.execute(sql`
      select position, page, sum(ms)::int as ms from share_events where share_id = ${shareId} and type = 'page'
      group by position, page order by position, page`),
  );
  return { ...counts, pages };
}

async function postAll(token: string, posts: { viewer: string; events: Event[] }[], concurrency: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < posts.length) await recordBuyerEvents(app.db, { token, body: posts[next++], userAgent: CHROME });
    }),
  );
}

describe("engagement rollups", () => {
  it("equal the raw events after concurrent, re-sent and forwarded posts, in every view", async () => {
    const seller = await createUser(app);
    const deck = await createItem(app, { title: "Rollup deck" });
    const sheet = await createItem(app, { title: "Rollup sheet" });
    const share = await makeShare(app.db, seller.id, [deck.id, sheet.id]);
    const other = await makeShare(app.db, seller.id, [deck.id]);
    const viewers = [randomUUID(), randomUUID(), randomUUID()];
    // Several viewers' posts in flight at once, on both shares.
    await Promise.all([postAll(share.token, traffic(1, viewers), 6), postAll(other.token, traffic(2, [randomUUID()]), 3)]);

    const raw = await rawFigures(app.db, share.id);
    expect(raw.viewers).toBe(3);
    expect(raw.opens).toBeGreaterThan(3);
    expect(raw.pages.every((p) => p.position <= 2)).toBe(true);

    const [row] = await app.db.select().from(shares).where(eq(shares.id, share.id));
    expect({ opens: row.opens, viewers: row.viewers, downloads: row.downloads }).toEqual({
      opens: raw.opens,
      viewers: raw.viewers,
      downloads: raw.downloads,
    });
    expect(row.firstOpenedAt).not.toBeNull();

    const engagement = await engagementFor(app.db, share.id);
    expect(engagement).toMatchObject({ opens: raw.opens, viewers: raw.viewers, downloads: raw.downloads });
    expect(engagement.items.flatMap((i) => i.pages.map((p) => ({ position: i.position, ...p })))).toEqual(raw.pages);
    for (const item of engagement.items) {
      expect(item.ms).toBe(raw.pages.filter((p) => p.position === item.position).reduce((a, p) => a + p.ms, 0));
    }

    const summary = (await summariesFor(app.db, [share.id])).get(share.id)!;
    expect(summary.totalMs).toBe(raw.pages.reduce((a, p) => a + p.ms, 0));
    const readFromRaw = [1, 2]
      .map((position) => ({ position, pages: raw.pages.filter((p) => p.position === position && p.ms >= READ_MS).map((p) => p.page) }))
      .filter((p) => p.pages.length);
    expect(summary.pagesRead).toEqual(readFromRaw);

    // Marketing's view of the deck: per page, in how many shares it was read and for how long, and the median.
    const deckRaw = rowsOf<{ share_id: string; page: number; ms: number }>(
      await app.db.execute(sql`
        select e.share_id, e.page, sum(e.ms)::int as ms from share_items si
        join share_events e on e.share_id = si.share_id and e.position = si.position and e.type = 'page'
        where si.item_id = ${deck.id} group by e.share_id, e.page`),
    );
    const insights = await buyerInsightsForItem(app.db, deck.id);
    const pages = [...new Set(deckRaw.map((r) => r.page))].sort((a, b) => a - b);
    expect(insights.pages).toEqual(
      pages.map((page) => {
        const mine = deckRaw.filter((r) => r.page === page);
        return { page, readIn: mine.filter((r) => r.ms >= READ_MS).length, ms: mine.reduce((a, r) => a + r.ms, 0) };
      }),
    );
    const perShare = [share.id, other.id].map((id) => deckRaw.filter((r) => r.share_id === id).reduce((a, r) => a + r.ms, 0));
    expect(insights.medianReadMs).toBe((perShare[0] + perShare[1]) / 2);
    expect(insights).toMatchObject({ shares: 2, opened: 2 });
  });

  it("counts an opened share whose buyer never reached the item as 0 s of reading in the median", async () => {
    const seller = await createUser(app);
    const cover = await createItem(app, { title: "Cover letter" });
    const deck = await createItem(app, { title: "Second in every share" });
    const made = await Promise.all(Array.from({ length: 4 }, () => makeShare(app.db, seller.id, [cover.id, deck.id])));
    // All four buyers open the link; one reads the deck (position 2) for six minutes, three stop at the cover.
    for (const [n, share] of made.entries()) {
      const viewer = randomUUID();
      await postAll(share.token, [{ viewer, events: [{ id: randomUUID(), type: "open" }] }], 1);
      const read = n === 0 ? { position: 2, ms: 4_000 } : { position: 1, ms: 3_000 };
      const page = () => ({ id: randomUUID(), type: "page" as const, page: 1, ...read });
      // A buyer's page sends at most 50 events a post.
      const posts = n === 0 ? [45, 45] : [1];
      await postAll(
        share.token,
        posts.map((count) => ({ viewer, events: Array.from({ length: count }, page) })),
        1,
      );
    }
    // A share made but never opened is no reading time at all: it is not in the median.
    await makeShare(app.db, seller.id, [deck.id]);
    const insights = await buyerInsightsForItem(app.db, deck.id);
    expect(insights).toMatchObject({ shares: 5, opened: 4, medianReadMs: 0, pages: [{ page: 1, readIn: 1, ms: 360_000 }] });
    // Two of four read it: the median is halfway between the shorter read and nothing.
    await postAll(
      made[1].token,
      [{ viewer: randomUUID(), events: [{ id: randomUUID(), type: "page", position: 2, page: 2, ms: 2_000 }] }],
      1,
    );
    expect((await buyerInsightsForItem(app.db, deck.id)).medianReadMs).toBe(1_000);
  });

  it("notifies the first open exactly once when many viewers open at the same moment", async () => {
    const seller = await createUser(app);
    const item = await createItem(app, { title: "Opened at once" });
    const share = await makeShare(app.db, seller.id, [item.id]);
    const opens = Array.from({ length: 12 }, () => ({ viewer: randomUUID(), events: [{ id: randomUUID(), type: "open" as const }] }));
    await postAll(share.token, opens, 12);
    const got = await app.db.select().from(notifications).where(eq(notifications.userId, seller.id));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      kind: "share_opened",
      title: "Dana opened your share",
      url: `/shares/${share.id}`,
      inApp: true,
      email: "off",
    });
    const [row] = await app.db.select().from(shares).where(eq(shares.id, share.id));
    expect({ opens: row.opens, viewers: row.viewers }).toEqual({ opens: 12, viewers: 12 });
  });

  it("writes the notice as the seller's settings say, resolved as notify() resolves them", async () => {
    const cases: { prefs: Record<string, unknown>; push: boolean }[] = [
      { prefs: {}, push: false },
      { prefs: { share_opened: { inApp: true, email: "immediate" } }, push: true },
      { prefs: { share_opened: { inApp: false, email: "weekly" } }, push: true },
      { prefs: { share_opened: { inApp: false, email: "off" } }, push: false },
      // Stored values a kind does not accept fall back to its defaults.
      { prefs: { share_opened: { inApp: "yes", email: "hourly" } }, push: true },
    ];
    for (const c of cases) {
      const seller = await createUser(app);
      await app.db.insert(notificationSettings).values({ userId: seller.id, prefs: c.prefs as never, pushEnabled: c.push });
      const item = await createItem(app);
      const share = await makeShare(app.db, seller.id, [item.id]);
      await postAll(share.token, [{ viewer: randomUUID(), events: [{ id: randomUUID(), type: "open" }] }], 1);
      const want = resolvePrefs(c.prefs as never).share_opened;
      const got = await app.db.select().from(notifications).where(eq(notifications.userId, seller.id));
      if (!want.inApp && want.email === "off") {
        expect(got).toEqual([]);
        continue;
      }
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ inApp: want.inApp, email: want.email });
      const queued = (await app.db.select().from(jobs)).filter((j) => (j.payload as { id?: number }).id === got[0].id).map((j) => j.kind);
      expect(queued.sort()).toEqual(
        [...(want.email === "immediate" ? [MAIL_NOTIFICATION_JOB] : []), ...(want.inApp && c.push ? [SEND_PUSH_JOB] : [])].sort(),
      );
    }
  });

  it("counts downloads and page time sent after the open", async () => {
    const seller = await createUser(app);
    const item = await createItem(app, { title: "Quiet seller" });
    const share = await makeShare(app.db, seller.id, [item.id]);
    const viewer = randomUUID();
    await postAll(share.token, [{ viewer, events: [{ id: randomUUID(), type: "open" }] }], 1);
    // The next heartbeat, with a download: counted without a second open or notice.
    await postAll(
      share.token,
      [
        {
          viewer,
          events: [
            { id: randomUUID(), type: "page", position: 1, page: 2, ms: 1_500 },
            { id: randomUUID(), type: "download", position: 1 },
          ],
        },
      ],
      1,
    );
    const engagement = await engagementFor(app.db, share.id);
    expect(engagement).toMatchObject({
      opens: 1,
      viewers: 1,
      downloads: 1,
      items: [{ position: 1, ms: 1_500, pages: [{ page: 2, ms: 1_500 }] }],
    });
  });

  it("counts no download on a link that offers none, and one open however many a post claims", async () => {
    const seller = await createUser(app);
    const item = await createItem(app, { title: "No downloads here" });
    const share = await makeShare(app.db, seller.id, [item.id], false);
    const events: Event[] = [
      ...Array.from({ length: 20 }, () => ({ id: randomUUID(), type: "open" as const })),
      ...Array.from({ length: 5 }, () => ({ id: randomUUID(), type: "download" as const, position: 1 })),
    ];
    await postAll(share.token, [{ viewer: randomUUID(), events }], 1);
    expect(await engagementFor(app.db, share.id)).toMatchObject({ opens: 1, viewers: 1, downloads: 0 });
    expect(await rawFigures(app.db, share.id)).toMatchObject({ opens: 1, downloads: 0 });
  });
  it("counts no reading time on a page the item does not have", async () => {
    const seller = await createUser(app);
    const [deck, image] = [await createItem(app, { title: "Eight-page deck" }), await createItem(app, { title: "A picture" })];
    const share = await makeShare(app.db, seller.id, [deck.id, image.id]);
    // The picture has no pages: only the item itself (page 0) is read.
    await app.db.update(itemVersions).set({ pageCount: null }).where(eq(itemVersions.itemId, image.id));
    const page = (position: number, n: number) => ({ id: randomUUID(), type: "page" as const, position, page: n, ms: 10_000 });
    const events = [page(1, 8), page(1, 9), page(1, 10_000), page(2, 0), page(2, 1)];
    await postAll(share.token, [{ viewer: randomUUID(), events: [{ id: randomUUID(), type: "open" }, ...events] }], 1);
    const pages = rowsOf<{ position: number; page: number }>(
      await app.db.execute(sql`select position, page from share_page_reads where share_id = ${share.id} order by position, page`),
    );
    expect(pages).toEqual([
      { position: 1, page: 8 },
      { position: 2, page: 0 },
    ]);
    expect(await rawFigures(app.db, share.id)).toMatchObject({ opens: 1 });
  });
});

it("migration 0014 fills the rollups from the events already stored", async () => {
  const handle = await createTestDatabase({ migrated: false });
  try {
    const db = handle.db;
    await migrateDb(handle, migrationsBefore("0014_share_engagement_rollups"));
    await db.execute(
      sql`insert into users (id, email, name, role, password_hash) values (${randomUUID()}, 'm@x.test', 'M', 'seller', 'x')`,
    );
    const [{ id: userId }] = rowsOf<{ id: string }>(await db.execute(sql`select id from users`));
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) {
      await db.execute(
        sql`insert into shares (id, token, user_id, expires_at) values (${id}, ${randomBytes(32).toString("base64url")}, ${userId}, now() + interval '1 day')`,
      );
    }
    const [a, b] = [randomUUID(), randomUUID()];
    const events: [string, string, string, number | null, number | null, number][] = [
      [ids[0], a, "open", null, null, 0],
      [ids[0], a, "open", null, null, 0],
      [ids[0], b, "open", null, null, 0],
      [ids[0], a, "page", 1, 1, 1_200],
      [ids[0], b, "page", 1, 1, 800],
      [ids[0], a, "page", 1, 2, 300],
      [ids[0], a, "download", 1, null, 0],
      [ids[1], b, "page", 1, 0, 5_000],
    ];
    for (const [shareId, viewer, type, position, page, ms] of events) {
      await db.execute(
        sql`insert into share_events (id, share_id, viewer, type, position, page, ms) values (${randomUUID()}, ${shareId}, ${viewer}, ${type}, ${position}, ${page}, ${ms})`,
      );
    }
    await migrateDb(handle);
    const counters = rowsOf<{ id: string; opens: number; viewers: number; downloads: number }>(
      await db.execute(sql`select id, opens, viewers, downloads from shares order by opens desc`),
    );
    expect(counters).toEqual([
      { id: ids[0], opens: 3, viewers: 2, downloads: 1 },
      { id: ids[1], opens: 0, viewers: 0, downloads: 0 },
    ]);
    const reads = rowsOf<{ share_id: string; position: number; page: number; ms: number }>(
      await db.execute(
        sql`select share_id, position, page, ms::int as ms from share_page_reads order by share_id = ${ids[1]}, position, page`,
      ),
    );
    expect(reads).toEqual([
      { share_id: ids[0], position: 1, page: 1, ms: 2_000 },
      { share_id: ids[0], position: 1, page: 2, ms: 300 },
      { share_id: ids[1], position: 1, page: 0, ms: 5_000 },
    ]);
    const [{ n }] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from share_viewers`));
    expect(n).toBe(2);
  } finally {
    await handle.close();
  }
});
