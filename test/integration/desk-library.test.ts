// The desk at scale: the library table (search, filters, sort, pages, scoping) and the review queue
// with its count in the navigation, on the demo library plus generated items.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as appLoader } from "~/routes/_app";
import { action as itemAction, loader as itemLoader } from "~/routes/_app.items.$id";
import { loader as libraryLoader } from "~/routes/_app.library";
import { loader as reviewLoader } from "~/routes/_app.review";
import { rowsOf } from "@/db/client";
import { items, itemTags, tags, teams } from "@/db/schema";
import { seedDemo } from "~/modules/demo/seed.server";
import { seedScale } from "~/modules/demo/scale.server";
import { libraryHealth } from "~/modules/insights/library-health.server";
import { cookieFor, createTestApp, demoSignIns, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
let cookie: Record<string, string>;
let id: Record<string, string>;

const run = (fn: (a: never) => unknown, req: Request, params: Record<string, string> = {}) =>
  respond(() => fn(routeArgs(app, req, params) as never)) as Promise<any>;
const library = (qs: string, who = "marketer") => run(libraryLoader, request(`/library${qs}`, { cookie: cookie[who] }));
const count = async (where: ReturnType<typeof sql>) =>
  rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from items where ${where}`))[0].n;

beforeAll(async () => {
  app = await createTestApp();
  await seedDemo(app.db);
  await seedScale(app.db, { items: 300, events: 1_000 });
  ({ id, cookie } = await demoSignIns(app, ["marketer", "manager", "admin"]));
}, 120_000);
afterAll(() => app.close());

describe("library table", () => {
  it("pages through every item, 50 at a time, without repeating one", async () => {
    const total = await count(sql`true`);
    const first = await library("");
    expect(first.total).toBe(total);
    expect(first.rows).toHaveLength(50);
    expect(first.pages).toBe(Math.ceil(total / 50));
    const second = await library("?page=2");
    expect(second.rows).toHaveLength(50);
    expect(second.rows.map((r: any) => r.id)).not.toContain(first.rows[0].id);
    const last = await library(`?page=${first.pages}`);
    expect(last.rows.length).toBe(total - (first.pages - 1) * 50);
  });

  it("searches title, summary and owner name, treating % as text", async () => {
    const hits = await library("?q=beacon%20security");
    expect(hits.total).toBe(await count(sql`title ilike '%beacon security%' or summary ilike '%beacon security%'`));
    expect(hits.total).toBeGreaterThan(0);
    for (const r of hits.rows) expect(r.title.toLowerCase()).toContain("beacon security");
    const byOwner = await library("?q=Marketer%203");
    expect(byOwner.total).toBeGreaterThan(0);
    for (const r of byOwner.rows) expect(r.owner).toBe("Marketer 3");
    expect((await library("?q=%25")).total).toBe(0);
  });

  it("filters by status, type, tag, owner, audience and expiry, together", async () => {
    const inReview = await library("?status=in_review");
    expect(inReview.total).toBe(await count(sql`status = 'in_review'`));
    expect(new Set(inReview.rows.map((r: any) => r.status))).toEqual(new Set(["in_review"]));

    const [tag] = await app.db.select({ id: tags.id, label: tags.label }).from(tags).where(eq(tags.value, "retail"));
    const decks = await library(`?type=deck&tag=${tag.id}`);
    const expected = rowsOf<{ n: number }>(
      await app.db.execute(
        sql`select count(*)::int as n from items i where type = 'deck' and exists (select 1 from ${itemTags} t where t.item_id = i.id and t.tag_id = ${tag.id})`,
      ),
    )[0].n;
    expect(decks.total).toBe(expected);
    for (const r of decks.rows) expect([r.type, r.tags.includes(tag.label)]).toEqual(["deck", true]);

    const mine = await library("?owner=me");
    expect(mine.total).toBe(await count(sql`owner_id = ${id.marketer}`));
    for (const r of mine.rows) expect(r.owner).toBe("Mira Marketer");

    const [west] = await app.db.select().from(teams).where(eq(teams.name, "Field West"));
    const westOnly = await library(`?audience=${west.id}`);
    expect(westOnly.total).toBeGreaterThan(0);
    for (const r of westOnly.rows) expect(r.audience).toContain("Field West");
    const everyone = await library("?audience=everyone&page=2");
    for (const r of everyone.rows) expect(r.audience).toEqual([]);

    const soon = await library("?expiring=30");
    expect(soon.total).toBe(await count(sql`status = 'published' and expires_at <= now() + interval '30 days'`));
    for (const r of soon.rows) expect(new Date(r.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
  });

  it("sorts by a column in either direction, items without an expiry last", async () => {
    const byTitle = (await library("?sort=title")).rows.map((r: any) => r.title.toLowerCase());
    expect(byTitle).toEqual([...byTitle].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    const desc = (await library("?sort=title&dir=desc")).rows.map((r: any) => r.title.toLowerCase());
    expect(desc[0] >= desc[desc.length - 1]).toBe(true);
    const expiring = await library(`?sort=expires&page=${(await library("")).pages}`);
    expect(expiring.rows.at(-1).expiresAt).toBeNull();
    const firstPage: (number | null)[] = (await library("?sort=expires")).rows.map((r: any) =>
      r.expiresAt ? new Date(r.expiresAt).getTime() : null,
    );
    const dated = firstPage.filter((t): t is number => t !== null);
    expect(dated.length).toBeGreaterThan(0);
    expect(firstPage).toEqual([...dated.sort((a, b) => a - b), ...firstPage.filter((t) => t === null)]);
  });

  it("keeps a manager to published items their teams may see, whatever the URL asks", async () => {
    const drafts = await library("?status=draft", "manager");
    expect(drafts.total).toBe(0);
    const all = await library("", "manager");
    expect(all.total).toBeLessThan(await count(sql`true`));
    expect(new Set(all.rows.map((r: any) => r.status))).toEqual(new Set(["published"]));
    expect(all.attention).toBeNull();
    // The status labels count what the manager may see: published items for everyone or their teams.
    expect(all.counts).toMatchObject({ published: all.total, draft: 0, in_review: 0, archived: 0 });
  });

  it("offers every tag by facet, the people who own items and every team in the filter menus", async () => {
    const { options } = await library("");
    expect(options.tags).toEqual(
      await app.db.select({ id: tags.id, facet: tags.facet, label: tags.label }).from(tags).orderBy(tags.facet, tags.label),
    );
    const owners = rowsOf<{ id: string; name: string }>(
      await app.db.execute(sql`select id, name from users where role in ('marketer', 'admin') and active order by name`),
    );
    expect(owners.length).toBeGreaterThan(1);
    expect(options.owners).toEqual(owners);
    expect(options.teams).toEqual(await app.db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(teams.name));
    expect((await library("", "manager")).options.owners).toEqual([]);
  });

  it("labels each status with its exact count, whatever filters the table has", async () => {
    const byStatus = rowsOf<{ status: string; n: number }>(
      await app.db.execute(sql`select status, count(*)::int as n from items group by status`),
    );
    const filtered = await library("?type=one_pager&q=beacon");
    expect(filtered.total).toBeLessThan(await count(sql`true`));
    for (const { status, n } of byStatus) expect(filtered.counts[status]).toBe(n);
  });

  it("counts what needs attention exactly, and each count opens the table filtered the same way", async () => {
    const all = await library("?scope=all");
    const stale = await library("?needs=stale");
    expect(stale.total).toBe(all.attention.stale);
    expect(stale.total).toBe(
      await count(
        sql`status = 'published' and verify_interval_days is not null and coalesce(verified_at, published_at) + make_interval(days => verify_interval_days) < now()`,
      ),
    );
    expect((await library("?needs=blocked")).total).toBe(all.attention.blocked);
    expect(all.attention.blocked).toBe(await count(sql`problem is not null and status <> 'archived'`));
    expect((await library("?expiring=30")).total).toBe(all.attention.expiring);
    const mine = await library("");
    expect((await library("?needs=stale&owner=me")).total).toBe(mine.attention.stale);
    expect(mine.attention.stale).toBeLessThan(all.attention.stale);
  });

  it("counts a never-verified item from its publication, here and in Insights' library health alike", async () => {
    const [target] = await app.db
      .select({ id: items.id, title: items.title })
      .from(items)
      .where(sql`status = 'published'`)
      .limit(1);
    const user = { id: id.marketer, email: "", name: "", role: "marketer" as const, teamId: null, leadsTeamIds: [] };
    const listed = async () => ({
      library: (await library(`?needs=stale&q=${encodeURIComponent(target.title)}`)).rows.some(
        (r: { id: string }) => r.id === target.id,
      ) as boolean,
      health: (await libraryHealth(app.db, { user })).stale.some((r) => r.itemId === target.id),
    });
    const published = (daysAgo: number) =>
      app.db
        .update(items)
        .set({ verifiedAt: null, verifyIntervalDays: 30, publishedAt: new Date(Date.now() - daysAgo * 86_400_000) })
        .where(eq(items.id, target.id));
    await published(5);
    expect(await listed()).toEqual({ library: false, health: false });
    // Long overdue, so it leads the health list (which shows the 100 most overdue).
    await published(4000);
    expect(await listed()).toEqual({ library: true, health: true });
  });

  it("ignores a bad value in the URL instead of failing", async () => {
    const bad = await library(`?status=bogus&page=-4&tag=${"x".repeat(500)}&sort=sideways`);
    expect(bad.total).toBe(await count(sql`true`));
    expect(bad.page).toBe(1);
    // A tag may be named (where there are too many for a select): one no tag has matches nothing.
    expect((await library("?tag=nope")).total).toBe(0);
  });
});

describe("review queue", () => {
  const queue = async (who: string) =>
    (await run(reviewLoader, request("/review", { cookie: cookie[who] }))) as { entries: { id: string }[]; total: number };
  const navCount = async (who: string) => (await run(appLoader, request("/library", { cookie: cookie[who] }))).reviews as number;

  it("lists what a marketer may approve, never their own, and counts it in the navigation", async () => {
    const mine = await queue("marketer");
    const inReview = rowsOf<{ id: string; owner_id: string }>(
      await app.db.execute(sql`select id, owner_id from items where status = 'in_review' and publish_at is null`),
    );
    const others = inReview.filter((i) => i.owner_id !== id.marketer).map((i) => i.id);
    expect(mine.entries.map((e) => e.id).sort()).toEqual(others.sort());
    expect(mine.total).toBe(others.length);
    expect(await navCount("marketer")).toBe(others.length);
    // An admin reviews everything in review.
    expect((await queue("admin")).total).toBe(inReview.length);
  });

  it("drops an item once it is approved, and the library's attention list counts what waits", async () => {
    const before = await queue("marketer");
    const target = before.entries[0].id;
    const view = await library("");
    expect(view.attention.review).toBe(before.total);
    const res = await run(
      itemAction,
      request(`/items/${target}`, { cookie: cookie.marketer, form: { intent: "transition", to: "published" } }),
      { id: target },
    );
    expect(res.status).toBe(302);
    const after = await queue("marketer");
    expect(after.total).toBe(before.total - 1);
    expect(after.entries.map((e) => e.id)).not.toContain(target);
  });

  it("leaves out what the marketer submitted themselves, even on someone else's item", async () => {
    const colleague = await createUser(app, { role: "marketer" });
    const colleagueCookie = await cookieFor(app, colleague.id);
    const [draft] = await app.db
      .select({ id: items.id })
      .from(items)
      .where(sql`status = 'draft' and type = 'talk_track' and owner_id <> ${colleague.id} and problem is null`)
      .limit(1);
    const res = await run(
      itemAction,
      request(`/items/${draft.id}`, { cookie: colleagueCookie, form: { intent: "transition", to: "in_review" } }),
      { id: draft.id },
    );
    expect(res.status, JSON.stringify(res)).toBe(302);
    const theirs = (await run(reviewLoader, request("/review", { cookie: colleagueCookie }))).entries.map((e: { id: string }) => e.id);
    expect(theirs).not.toContain(draft.id);
    expect((await queue("admin")).entries.map((e) => e.id)).toContain(draft.id);
  });

  it("searches the queue by title, owner or submitter, filters it by type and sorts it, keeping its count apart", async () => {
    type Entry = { id: string; title: string; type: string; owner: string | null; submitter: string | null; submittedAt: string | null };
    type Queue = { entries: Entry[]; total: number; waiting: number; pages: number };
    const view = async (qs: string) => (await run(reviewLoader, request(`/review${qs}`, { cookie: cookie.admin }))) as Queue;
    const all = await view("");
    expect(all.total).toBeGreaterThan(10);
    // One word of a waiting item's title finds it, and only items with that word.
    const word = all.entries[3].title.split(" ")[0];
    const byTitle = await view(`?q=${encodeURIComponent(word.toUpperCase())}`);
    expect(byTitle.entries.map((e) => e.id)).toContain(all.entries[3].id);
    expect(byTitle.waiting).toBe(all.total);
    for (const e of byTitle.entries) expect(`${e.title} ${e.owner} ${e.submitter}`.toLowerCase()).toContain(word.toLowerCase());
    // A submitter's name finds what they submitted, even on an item someone else owns.
    const submitter = all.entries.find((e) => e.submitter)!.submitter!;
    const bySubmitter = await view(`?q=${encodeURIComponent(submitter)}`);
    expect(bySubmitter.total).toBeGreaterThan(0);
    for (const e of bySubmitter.entries) expect([e.owner, e.submitter, e.title].some((t) => t?.includes(submitter))).toBe(true);
    // A type narrows the count as well as the page.
    const type = all.entries[0].type;
    const ofType = await view(`?type=${type}`);
    expect(ofType.total).toBe((await count(sql`status = 'in_review' and publish_at is null and type = ${type}`)) as number);
    expect(new Set(ofType.entries.map((e) => e.type))).toEqual(new Set([type]));
    // "%" and "_" are text, not wildcards; nothing matching says so with the whole queue's size.
    const none = await view("?q=%25_%25");
    expect(none).toMatchObject({ total: 0, waiting: all.total, entries: [] });
    // Most recent first is the reverse of waiting longest; title sorts A–Z without regard to case.
    const recent = await view(`?sort=recent&type=${type}`);
    const times = recent.entries.map((e) => Date.parse(e.submittedAt ?? ""));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const titles = (await view("?sort=title")).entries.map((e) => e.title.toLowerCase());
    expect(titles).toEqual([...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Nonsense in the address falls back to the whole queue, waiting longest first.
    const bad = await view("?type=brochure&sort=sideways&page=-2");
    expect(bad.entries.map((e) => e.id)).toEqual(all.entries.map((e) => e.id));
  });

  it("shows the workflow moves in the item page's data for the sticky action bar", async () => {
    const [item] = (await queue("admin")).entries;
    const page = await run(itemLoader, request(`/items/${item.id}`, { cookie: cookie.admin }), { id: item.id });
    expect(page.moves.map((m: { to: string }) => m.to)).toContain("published");
  });
});
