// The feedback inbox as a filtered, paged list with a detail pane, and content requests on their own
// page, over the demo library plus generated feedback.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as inboxAction, loader as inboxLoader } from "~/routes/_app.feedback";
import { action as requestsAction, loader as requestsLoader } from "~/routes/_app.feedback_.requests";
import { rowsOf } from "@/db/client";
import { users } from "@/db/schema";
import { seedDemo } from "~/modules/demo/seed.server";
import { seedScale } from "~/modules/demo/scale.server";
import { cookieFor, createTestApp, request, respond, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
let marketer: string;

const run = (fn: (a: never) => unknown, req: Request) => respond(() => fn(routeArgs(app, req) as never)) as Promise<any>;
const inbox = (qs = "") => run(inboxLoader, request(`/feedback${qs}`, { cookie: marketer }));
const requests = (qs = "") => run(requestsLoader, request(`/feedback/requests${qs}`, { cookie: marketer }));
const n = async (query: ReturnType<typeof sql>) => rowsOf<{ n: number }>(await app.db.execute(query))[0].n;
const SAYS_SOMETHING = sql`(r.comment is not null or not r.useful)`;
const REPLIED = sql`exists (select 1 from feedback_replies f where f.rating_id = r.id)`;

beforeAll(async () => {
  app = await createTestApp();
  await seedDemo(app.db);
  await seedScale(app.db, { items: 300, events: 1_000 });
  const [u] = await app.db.select({ id: users.id }).from(users).where(eq(users.email, "marketer@demo.test"));
  marketer = await cookieFor(app, u.id);
}, 120_000);
afterAll(() => app.close());

describe("feedback inbox", () => {
  it("lists unanswered ratings that say something, 25 a page, newest first, with no pane until one is opened", async () => {
    const first = await inbox();
    const expected = await n(
      sql`select count(*)::int as n from ratings r where ${SAYS_SOMETHING} and r.resolved_at is null and not ${REPLIED}`,
    );
    expect(first.total).toBe(expected);
    expect(first.rows).toHaveLength(25);
    expect(first.pane).toBeNull();
    for (const r of first.rows) expect([r.resolvedAt, r.replies]).toEqual([null, 0]);
    const times = first.rows.map((r: any) => new Date(r.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const second = await inbox("?page=2");
    expect(second.rows[0].id).not.toBe(first.rows[0].id);
  });

  it("filters by answered, resolved, reason and item", async () => {
    const replied = await inbox("?show=replied");
    expect(replied.total).toBe(
      await n(sql`select count(*)::int as n from ratings r where ${SAYS_SOMETHING} and r.resolved_at is null and ${REPLIED}`),
    );
    for (const r of replied.rows) expect(r.replies).toBeGreaterThan(0);
    const resolved = await inbox("?show=resolved");
    expect(resolved.total).toBeGreaterThan(0);
    for (const r of resolved.rows) expect(r.resolvedAt).not.toBeNull();

    const outdated = await inbox("?show=all&reason=outdated");
    expect(outdated.total).toBe(
      await n(sql`select count(*)::int as n from ratings r where ${SAYS_SOMETHING} and 'outdated' = any(r.reasons)`),
    );
    for (const r of outdated.rows) expect(r.reasons).toContain("outdated");

    const itemId = outdated.rows[0].itemId;
    const one = await inbox(`?show=all&item=${itemId}`);
    expect(one.item).toMatchObject({ id: itemId });
    expect(one.total).toBe(await n(sql`select count(*)::int as n from ratings r where ${SAYS_SOMETHING} and r.item_id = ${itemId}`));
    for (const r of one.rows) expect(r.itemId).toBe(itemId);
  });

  it("searches the item's title, the comment, the seller and their team, and sorts the oldest first on request", async () => {
    const everything = (q: string) =>
      n(sql`select count(*)::int as n from ratings r join items i on i.id = r.item_id join users u on u.id = r.user_id
            left join teams t on t.id = r.team_id
            where ${SAYS_SOMETHING} and (r.comment ilike ${`%${q}%`} or i.title ilike ${`%${q}%`} or u.name ilike ${`%${q}%`} or t.name ilike ${`%${q}%`})`);
    // A word from a comment, typed in another case.
    const [{ comment }] = rowsOf<{ comment: string }>(
      await app.db.execute(sql`select comment from ratings where comment is not null order by at, id limit 1`),
    );
    const word = comment.split(/\s+/).find((w) => /^[a-z]{5,}$/i.test(w))!;
    const byComment = await inbox(`?show=all&q=${encodeURIComponent(word.toUpperCase())}`);
    expect(byComment.total).toBe(await everything(word));
    expect(byComment.total).toBeGreaterThan(0);
    // A team's name finds its sellers' feedback; a seller's name theirs.
    const byTeam = await inbox("?show=all&q=field%20west");
    expect(byTeam.total).toBe(await everything("field west"));
    expect(byTeam.total).toBeGreaterThan(0);
    for (const r of byTeam.rows) expect(r.team).toBe("Field West");
    const byItem = await inbox(`?show=all&q=${encodeURIComponent(byComment.rows[0].itemTitle)}`);
    expect(byItem.rows.map((r: any) => r.itemTitle)).toContain(byComment.rows[0].itemTitle);
    // Wildcards are text; an answer-less search keeps the filters it was combined with.
    expect((await inbox(`?show=all&q=${encodeURIComponent("%_%")}`)).total).toBe(0);
    expect((await inbox("?show=resolved&q=field%20west")).rows.every((r: any) => r.resolvedAt)).toBe(true);
    // Oldest first: the feedback waiting longest for an answer.
    const oldest = await inbox("?sort=oldest");
    const times = oldest.rows.map((r: any) => new Date(r.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(oldest.total).toBe((await inbox()).total);
    expect((await inbox("?sort=sideways&q=")).rows.map((r: any) => r.id)).toEqual((await inbox()).rows.map((r: any) => r.id));
  });

  it("opens one rating in the pane, in full, and ignores an id that does not exist", async () => {
    const { rows } = await inbox();
    const view = await inbox(`?open=${rows[3].id}`);
    expect(view.pane).toMatchObject({ id: rows[3].id, itemTitle: rows[3].itemTitle, replies: [] });
    expect(view.rows).toHaveLength(25);
    expect((await inbox("?open=00000000-0000-4000-8000-000000000000")).pane).toBeNull();
  });

  it("replying moves a rating from unanswered to answered; resolving moves it to resolved", async () => {
    const target = (await inbox()).rows[0].id;
    const res = await run(
      inboxAction,
      request(`/feedback?open=${target}`, {
        cookie: marketer,
        form: { intent: "reply", ratingId: target, body: "Updating it this week." },
      }),
    );
    expect(res).toMatchObject({ target, ok: expect.stringMatching(/Reply sent/) });
    expect((await inbox()).rows.map((r: any) => r.id)).not.toContain(target);
    const pane = (await inbox(`?show=replied&open=${target}`)).pane;
    expect(pane.replies.map((p: any) => p.body)).toEqual(["Updating it this week."]);
    await run(inboxAction, request("/feedback", { cookie: marketer, form: { intent: "resolve", ratingId: target } }));
    expect((await inbox(`?show=resolved&item=${pane.itemId}`)).rows.map((r: any) => r.id)).toContain(target);
  });

  it("sends a resolve's reply only once the resolve is taken, so correcting a refused one does not send it twice", async () => {
    const target = (await inbox()).rows[0].id;
    const resolve = (versionId: string) =>
      run(
        inboxAction,
        request("/feedback", { cookie: marketer, form: { intent: "resolve", ratingId: target, versionId, body: "Fixed in v2." } }),
      );
    const refused = await resolve("00000000-0000-4000-8000-000000000000");
    expect(refused.init.status).toBe(422);
    expect(await resolve("")).toMatchObject({ ok: "Resolved.", target });
    const pane = (await inbox(`?show=resolved&open=${target}`)).pane;
    expect(pane.replies.map((p: any) => p.body)).toEqual(["Fixed in v2."]);
  });

  it("answers a bad action with a message and a status, not a crash", async () => {
    const res = await run(
      inboxAction,
      request("/feedback", { cookie: marketer, form: { intent: "reply", ratingId: (await inbox()).rows[0].id, body: " " } }),
    );
    expect(res.init.status).toBe(400);
    expect(res.data.error).toMatch(/Write a reply/);
  });
});

describe("content requests page", () => {
  it("shows open requests oldest first, 20 a page, and every status on request", async () => {
    const open = await requests();
    expect(open.show).toBe("open");
    expect(open.total).toBe(await n(sql`select count(*)::int as n from content_requests where status in ('new', 'planned')`));
    expect(open.rows.length).toBe(Math.min(20, open.total));
    const created = open.rows.map((r: any) => new Date(r.createdAt).getTime());
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const declined = await requests("?show=declined");
    for (const r of declined.rows) expect(r.status).toBe("declined");
    expect((await requests("?show=all")).total).toBe(await n(sql`select count(*)::int as n from content_requests`));
  });

  it("orders by age on request, whatever the status", async () => {
    const times = (page: { rows: { createdAt: string | Date }[] }) => page.rows.map((r) => new Date(r.createdAt).getTime());
    const newest = await requests("?order=newest");
    expect(newest.order).toBe("newest");
    expect(times(newest)).toEqual([...times(newest)].sort((a, b) => b - a));
    const oldestAll = await requests("?show=all&order=oldest");
    expect(times(oldestAll)).toEqual([...times(oldestAll)].sort((a, b) => a - b));
    // Unknown orders are the default one.
    expect((await requests("?order=sideways")).order).toBeUndefined();
  });

  it("finds requests by part of what was asked, of the empty search, or of the requester's name", async () => {
    const word = rowsOf<{ text: string }>(await app.db.execute(sql`select text from content_requests order by created_at limit 1`))[0]
      .text.split(/\s+/)
      .find((w) => w.length >= 5)!;
    const expected = await n(
      sql`select count(*)::int as n from content_requests c join users u on u.id = c.user_id
          where c.text ilike ${`%${word}%`} or c.query ilike ${`%${word}%`} or u.name ilike ${`%${word}%`}`,
    );
    const found = await requests(`?show=all&q=${encodeURIComponent(word.toUpperCase())}`);
    expect(found.total).toBe(expected);
    expect(found.total).toBeGreaterThan(0);
    const byName = await requests("?show=all&q=sam seller");
    expect(byName.total).toBeGreaterThan(0);
    for (const r of byName.rows) expect(r.requester).toBe("Sam Seller");
    expect((await requests(`?show=all&q=${encodeURIComponent("%_")}`)).total).toBe(0);
    // As typed, for the form and the page links.
    expect(found.q).toBe(word.toUpperCase());
  });

  it("moves a request along, and refuses the inbox's rating actions", async () => {
    const [target] = (await requests()).rows;
    const ok = await run(
      requestsAction,
      request("/feedback/requests", {
        cookie: marketer,
        form: { intent: "update-request", requestId: target.id, status: "planned", body: "On the list for May." },
      }),
    );
    expect(ok).toMatchObject({ target: target.id, ok: "Request updated." });
    const done = await run(
      requestsAction,
      request("/feedback/requests", { cookie: marketer, form: { intent: "update-request", requestId: target.id, status: "done" } }),
    );
    expect(done.init.status).toBe(422);
    const wrong = await run(
      requestsAction,
      request("/feedback/requests", { cookie: marketer, form: { intent: "reply", ratingId: target.id } }),
    );
    expect(wrong.init.status).toBe(400);
  });
});
