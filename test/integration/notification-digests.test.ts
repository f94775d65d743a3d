// Mail from notifications, read from a real SMTP server: an immediate notification; the daily digest
// (once per period); marketing's weekly content digest and a manager's team adoption, whose figures must
// equal what the insights functions say for the same fixture.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobRunner, type JobRunner } from "@/content/jobs";
import { itemAudiences, items, notifications, ratings, searchQueries, sellerDaily } from "@/db/schema";
import { listInbox } from "~/modules/feedback/inbox.server";
import { adoption } from "~/modules/insights/adoption.server";
import { contentGaps } from "~/modules/insights/content-gaps.server";
import { libraryHealth } from "~/modules/insights/library-health.server";
import { createMailTransport, mailJobHandlers, type MailTransport } from "~/modules/mail/mail.server";
import { DIGEST_LINES, sendAdoptionDigests, sendContentDigests, sendNotificationDigests } from "~/modules/notifications/digests.server";
import { notificationJobHandlers } from "~/modules/notifications/jobs.server";
import { notify } from "~/modules/notifications/notify.server";
import { createTeam, createTestApp, createUser, type TestApp } from "../setup/app";
import { createItem, sessionUser } from "../setup/feedback";
import { startSmtp, type TestSmtp } from "../setup/smtp";

let app: TestApp;
let smtp: TestSmtp;
let transport: MailTransport;
let runner: JobRunner;
const links = { publicUrl: "http://fieldkit.test" };
// A Monday: "last week" is 2026-11-23 to 2026-11-29.
const MONDAY = new Date("2026-11-30T06:00:00Z");
const LAST_WEEK = { from: "2026-11-23", to: "2026-11-29" };

beforeAll(async () => {
  app = await createTestApp();
  smtp = await startSmtp();
  transport = createMailTransport({ smtpUrl: smtp.url, from: "Fieldkit <noreply@fieldkit.test>" });
  runner = createJobRunner({
    db: app.db,
    handlers: { ...mailJobHandlers(app.db, transport), ...notificationJobHandlers(app.db, { ...links, vapid: app.env.vapid }) },
    log: () => {},
  });
});
afterAll(async () => {
  transport.close();
  await smtp.close();
  await app.close();
});

const mailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address));

it("mails an immediate notification with its absolute link and the settings link", async () => {
  const seller = await createUser(app);
  await notify(app.db, {
    to: seller.id,
    kind: "feedback_answered",
    title: "Marketing replied to your feedback",
    body: "Fixed!",
    url: "/items/abc#was-this-useful",
  });
  await runner.runUntilIdle();
  const mail = await smtp.waitFor(seller.email, /Marketing replied/);
  expect(mail.text).toContain("Fixed!");
  expect(mail.text).toContain("http://fieldkit.test/items/abc#was-this-useful");
  const [n] = await app.db.select().from(notifications).where(eq(notifications.userId, seller.id));
  expect(n.mailedAt).not.toBeNull();
});

it("gathers daily notifications into one digest per person and day, leaving today's for tomorrow", async () => {
  const seller = await createUser(app);
  await notify(app.db, {
    to: seller.id,
    kind: "saved_item_updated",
    title: "“Deck A” has a new version (v2)",
    url: "/items/a",
    now: new Date("2026-11-29T09:00:00Z"),
  });
  await notify(app.db, {
    to: seller.id,
    kind: "saved_item_updated",
    title: "“Deck B” has a new version (v3)",
    url: "/items/b",
    now: new Date("2026-11-29T15:00:00Z"),
  });
  await notify(app.db, {
    to: seller.id,
    kind: "saved_item_updated",
    title: "“Deck C” has a new version (v4)",
    url: "/items/c",
    now: new Date("2026-11-30T05:00:00Z"),
  });
  expect(await sendNotificationDigests(app.db, { frequency: "daily", now: MONDAY, links })).toBeGreaterThanOrEqual(1);
  expect(await sendNotificationDigests(app.db, { frequency: "daily", now: new Date(MONDAY.getTime() + 3_600_000), links })).toBe(0);
  await runner.runUntilIdle();
  const mail = await smtp.waitFor(seller.email, /daily Fieldkit digest/);
  expect(mail.subject).toContain("2 notifications");
  expect(mail.text).toContain("“Deck A” has a new version (v2) — http://fieldkit.test/items/a");
  expect(mail.text).toContain("“Deck B” has a new version (v3)");
  expect(mail.text).not.toContain("Deck C");
  expect(mailsTo(seller.email)).toHaveLength(1);
  // The next day's digest carries the one from Monday morning.
  await sendNotificationDigests(app.db, { frequency: "daily", now: new Date("2026-12-01T06:00:00Z"), links });
  await runner.runUntilIdle();
  await smtp.waitFor(seller.email, /1 notification$/);
});

it("says how many there were and links to the rest when a digest holds more than it lists", async () => {
  const seller = await createUser(app);
  const at = new Date("2026-11-28T09:00:00Z");
  for (let i = 0; i < DIGEST_LINES + 5; i++) {
    await notify(app.db, {
      to: seller.id,
      kind: "saved_item_updated",
      title: `“Deck ${i}” has a new version`,
      url: `/items/d${i}`,
      now: at,
    });
  }
  await sendNotificationDigests(app.db, { frequency: "daily", now: new Date("2026-11-29T06:00:00Z"), links });
  await runner.runUntilIdle();
  const mail = await smtp.waitFor(seller.email, /daily Fieldkit digest/);
  expect(mail.subject).toContain(`${DIGEST_LINES + 5} notifications`);
  expect(mail.text).toContain("“Deck 0” has a new version");
  expect(mail.text).toContain("…and 5 more — http://fieldkit.test/notifications");
});

describe("items the person can no longer open", () => {
  const DAY = 86_400_000;
  it("lists a notification about an item gone from the person's reach as a neutral line, counted, without its title or link", async () => {
    const team = await createTeam(app);
    const other = await createTeam(app);
    const seller = await createUser(app, { teamId: team.id });
    const kept = await createItem(app, { title: "Kept battle card" });
    const hidden = {
      draft: await createItem(app, { title: "Falcon draft pricing" }),
      archived: await createItem(app, { title: "Falcon archived deck" }),
      expired: await createItem(app, { title: "Falcon expired offer" }),
      elsewhere: await createItem(app, { title: "Falcon West-only pricing" }),
    };
    for (const item of [kept, ...Object.values(hidden)]) {
      await notify(app.db, {
        to: seller.id,
        kind: "saved_item_updated",
        title: `“${item.title}” has a new version (v2)`,
        body: "Falcon numbers",
        url: `/items/${item.id}`,
        now: new Date("2026-11-29T09:00:00Z"),
      });
    }
    // Since: back to draft, archived, expired, moved to another team's audience.
    await app.db.update(items).set({ status: "draft" }).where(eq(items.id, hidden.draft.id));
    await app.db.update(items).set({ status: "archived" }).where(eq(items.id, hidden.archived.id));
    await app.db
      .update(items)
      .set({ expiresAt: new Date(Date.now() - DAY) })
      .where(eq(items.id, hidden.expired.id));
    await app.db.insert(itemAudiences).values({ itemId: hidden.elsewhere.id, teamId: other.id });

    await sendNotificationDigests(app.db, { frequency: "daily", now: MONDAY, links });
    await runner.runUntilIdle();
    const mail = await smtp.waitFor(seller.email, /daily Fieldkit digest/);
    expect(mail.subject).toContain("5 notifications");
    expect(mail.text).toContain(`“Kept battle card” has a new version (v2) — http://fieldkit.test/items/${kept.id}`);
    expect(mail.text.split("An item you used has a new version, but you can no longer open it")).toHaveLength(5);
    expect(mail.text).not.toMatch(/Falcon/);
    for (const item of Object.values(hidden)) expect(mail.text).not.toContain(item.id);
  });

  it("mails an immediate notification as it may be seen when the mail is written, not when it was queued", async () => {
    const seller = await createUser(app);
    const item = await createItem(app, { title: "Falcon acquisition pricing" });
    await notify(app.db, {
      to: seller.id,
      kind: "request_fulfilled",
      title: `Your request was answered: “${item.title}”`,
      body: "You asked: “Pricing”",
      url: `/items/${item.id}`,
    });
    await app.db.update(items).set({ status: "draft" }).where(eq(items.id, item.id));
    await runner.runUntilIdle();
    const mail = await smtp.waitFor(seller.email);
    expect(mail.subject).toContain("Your content request was fulfilled");
    expect(mail.text).toContain("http://fieldkit.test/requests");
    expect(mail.text).not.toMatch(/Falcon/);
    expect(mail.text).not.toContain(item.id);
  });
});

describe("weekly summaries", () => {
  it("a content digest's figures equal the insights for the same fixture", async () => {
    const marketer = await createUser(app, { role: "marketer", email: `digest-${randomUUID()}@test.invalid` });
    const team = await createTeam(app);
    const raters = await Promise.all([1, 2, 3].map(() => createUser(app, { teamId: team.id })));
    const at = (day: string) => new Date(`${day}T12:00:00Z`);
    await app.db.insert(searchQueries).values([
      ...[0, 1, 2].map(() => ({
        userId: raters[0].id,
        teamId: team.id,
        queryNorm: "northwind pricing",
        resultCount: 0,
        at: at("2026-11-25"),
      })),
      ...[0, 1].map(() => ({ userId: raters[1].id, teamId: team.id, queryNorm: "roi calculator", resultCount: 4, at: at("2026-11-26") })),
      { userId: raters[2].id, teamId: team.id, queryNorm: "older gap", resultCount: 0, at: at("2026-11-20") },
    ]);
    const item = await createItem(app, { title: "Unloved one-pager" });
    await app.db.insert(ratings).values(
      raters.map((r) => ({
        itemId: item.id,
        versionId: item.versions[0].id,
        userId: r.id,
        teamId: team.id,
        useful: false,
        comment: "Not useful",
        at: at("2026-11-27"),
      })),
    );

    expect(await sendContentDigests(app.db, { now: MONDAY, links })).toBeGreaterThanOrEqual(1);
    await runner.runUntilIdle();
    const mail = await smtp.waitFor(marketer.email, /weekly content digest/);

    const user = sessionUser(marketer);
    const gaps = await contentGaps(app.db, { user, range: LAST_WEEK, limit: 10 });
    const lowest = (await libraryHealth(app.db, { user, now: MONDAY })).lowestRated;
    const unanswered = (await listInbox(app.db, { user, query: { show: "unanswered" } })).total;
    expect(gaps.map((g) => g.query)).toEqual(["northwind pricing", "roi calculator"]);
    for (const g of gaps) expect(mail.text).toContain(`“${g.query}”: ${g.searches} searches, ${g.zeroResults} with no results`);
    expect(mail.text).toContain("“northwind pricing”: 3 searches, 3 with no results");
    expect(mail.text).not.toContain("older gap");
    expect(lowest.map((h) => h.title)).toContain("Unloved one-pager");
    for (const h of lowest) expect(mail.text).toContain(`${h.title}: ${h.detail}`);
    expect(unanswered).toBeGreaterThanOrEqual(3);
    expect(mail.text).toContain(`${unanswered} ratings wait for an answer.`);

    // Once per week, whatever the sweep does; the in-app notification links to insights.
    await sendContentDigests(app.db, { now: new Date(MONDAY.getTime() + 15 * 60_000), links });
    await runner.runUntilIdle();
    expect(mailsTo(marketer.email)).toHaveLength(1);
    const inApp = await app.db.select().from(notifications).where(eq(notifications.userId, marketer.id));
    expect(inApp.filter((n) => n.kind === "content_digest").map((n) => n.url)).toEqual(["/insights"]);
  });

  it("a manager's team adoption equals the insights for the same fixture", async () => {
    const team = await createTeam(app, `Adoption ${randomUUID().slice(0, 6)}`);
    const sellers = await Promise.all([1, 2, 3, 4].map(() => createUser(app, { teamId: team.id })));
    const manager = await createUser(app, { role: "manager", leads: [team.id] });
    await app.db.insert(sellerDaily).values([
      { day: "2026-11-24", userId: sellers[0].id, teamId: team.id, events: 3, views: 3 },
      { day: "2026-11-26", userId: sellers[1].id, teamId: team.id, events: 1, views: 1 },
      // The week before: not in this summary.
      { day: "2026-11-18", userId: sellers[2].id, teamId: team.id, events: 1, views: 1 },
    ]);
    await sendAdoptionDigests(app.db, { now: MONDAY, links });
    await runner.runUntilIdle();
    const mail = await smtp.waitFor(manager.email, /team adoption/);
    const a = await adoption(app.db, { user: sessionUser(manager, [team.id]), range: LAST_WEEK });
    const t = a.teams.find((x) => x.teamId === team.id)!;
    const week = t.weeks[t.weeks.length - 1];
    expect([week.active, t.size, week.rate, t.views]).toEqual([2, 4, 0.5, 4]);
    expect(mail.text).toContain(`${team.name}: ${week.active} of ${t.size} sellers active (50%), ${t.views} views`);
  });
});
