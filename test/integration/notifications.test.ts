// Notifications: one `notify` that follows each person's preferences, the producers where things
// happen, the reminder sweep (once per item and window), and reading, paging and marking read.
import { randomBytes, randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { itemAudiences, itemSellerDaily, items, jobs, notifications, ratings, reminderClaims, shares } from "@/db/schema";
import { replyToRating } from "~/modules/feedback/ratings.server";
import { createRequest, updateRequest } from "~/modules/feedback/requests.server";
import { notifyItemUpdated } from "~/modules/notifications/producers.server";
import { listMyReplies } from "~/modules/notifications/replies.server";
import {
  listNotifications,
  markNotificationsRead,
  notify,
  openNotification,
  unreadNotificationCount,
} from "~/modules/notifications/notify.server";
import { loadPrefs, savePrefs } from "~/modules/notifications/prefs.server";
import { sendReminders } from "~/modules/notifications/reminders.server";
import { recordBuyerEvents } from "~/modules/shares/buyer.server";
import { createTeam, createTestApp, createUser, type TestApp } from "../setup/app";
import { createItem, sessionUser } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const DAY = 86_400_000;
const mine = async (userId: string) => app.db.select().from(notifications).where(eq(notifications.userId, userId));
const jobsFor = async (kind: string) => app.db.select().from(jobs).where(eq(jobs.kind, kind));

describe("notify", () => {
  it("follows each person's preferences: in-app on/off, mail at once queues a job, off and off creates nothing", async () => {
    const a = await createUser(app);
    const b = await createUser(app);
    const c = await createUser(app);
    await savePrefs(app.db, { user: b, input: { prefs: { feedback_answered: { inApp: false, email: "daily" } } } });
    await savePrefs(app.db, { user: c, input: { prefs: { feedback_answered: { inApp: false, email: "off" } } } });
    const ids = await notify(app.db, { to: [a.id, b.id, c.id], kind: "feedback_answered", title: "Hello", url: "/requests" });
    expect(ids).toHaveLength(2);
    const [na] = await mine(a.id);
    expect(na).toMatchObject({ inApp: true, email: "immediate", mailedAt: null });
    expect((await jobsFor("mail_notification")).some((j) => j.payload.id === na.id)).toBe(true);
    const [nb] = await mine(b.id);
    expect(nb).toMatchObject({ inApp: false, email: "daily" });
    expect(await mine(c.id)).toEqual([]);
    // Hidden from b's list (in-app off) though kept for the digest.
    expect((await listNotifications(app.db, { user: b })).notifications).toEqual([]);
    expect(await unreadNotificationCount(app.db, { user: b })).toBe(0);
  });

  it("pushes a bursting kind at most three times a day, the rest waiting in the app; other kinds each time", async () => {
    const seller = await createUser(app);
    await savePrefs(app.db, { user: seller, input: { prefs: {}, push: true } });
    const pushedIds = async () => new Set((await jobsFor("send_push")).map((j) => Number(j.payload.id)));
    const send = async (kind: "saved_item_updated" | "feedback_answered", i: number, now: Date) =>
      (await notify(app.db, { to: seller.id, kind, title: `${kind} ${i}`, dedupeKey: `${kind}:burst:${i}`, now }))[0];
    const t0 = new Date("2027-03-01T09:00:00Z");
    // Thirty new versions published in an afternoon: thirty buzzes on the phone was the old way.
    const versions = [];
    for (let i = 0; i < 5; i++) versions.push(await send("saved_item_updated", i, new Date(t0.getTime() + i * 60_000)));
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await send("feedback_answered", i, new Date(t0.getTime() + i * 60_000)));
    let pushed = await pushedIds();
    expect(versions.map((id) => pushed.has(id))).toEqual([true, true, true, false, false]);
    expect(replies.every((id) => pushed.has(id))).toBe(true);
    // Every one of them is in the list.
    expect((await mine(seller.id)).length).toBe(10);
    // A day on, the next one pushes again.
    const later = await send("saved_item_updated", 5, new Date(t0.getTime() + 25 * 3_600_000));
    pushed = await pushedIds();
    expect(pushed.has(later)).toBe(true);
  });

  it("counts the pushes of the last day toward the limit, not the notices", async () => {
    const seller = await createUser(app);
    await savePrefs(app.db, { user: seller, input: { prefs: {}, push: true } });
    const t0 = new Date("2027-04-01T06:00:00Z");
    // A new version every five hours: pushed at 0, 5 and 10 h; not at 15 or 20 h (three in the last day);
    // at 25 h only the pushes of 5 and 10 h are within a day, so it pushes, and at 30 h again (10 and 25 h).
    const ids = [];
    for (let h = 0; h <= 30; h += 5) {
      const at = new Date(t0.getTime() + h * 3_600_000);
      ids.push((await notify(app.db, { to: seller.id, kind: "saved_item_updated", title: `v${h}`, now: at }))[0]);
    }
    const pushed = new Set((await jobsFor("send_push")).map((j) => Number(j.payload.id)));
    expect(ids.map((id) => pushed.has(id))).toEqual([true, true, true, false, false, true, true]);
    const rows = await app.db
      .select({ id: notifications.id, pushedAt: notifications.pushedAt })
      .from(notifications)
      .where(inArray(notifications.id, ids));
    expect(
      rows
        .filter((r) => r.pushedAt !== null)
        .map((r) => r.id)
        .sort(),
    ).toEqual(ids.filter((id) => pushed.has(id)).sort());
  });

  it("notifies each person once per dedupe key, and skips deactivated people", async () => {
    const a = await createUser(app);
    const gone = await createUser(app, { active: false });
    const first = await notify(app.db, { to: [a.id, gone.id], kind: "new_request", title: "x", dedupeKey: "k1" });
    const again = await notify(app.db, { to: [a.id], kind: "new_request", title: "x", dedupeKey: "k1" });
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
  });

  it("lists the caller's notifications newest first, pages them, marks read by id (own only) or all", async () => {
    const a = await createUser(app);
    const other = await createUser(app);
    for (let i = 1; i <= 5; i++) await notify(app.db, { to: a.id, kind: "share_opened", title: `n${i}`, url: `/shares/${i}` });
    const [theirs] = await notify(app.db, { to: other.id, kind: "share_opened", title: "theirs" });
    const page1 = await listNotifications(app.db, { user: a, limit: 3 });
    expect(page1.notifications.map((n) => n.title)).toEqual(["n5", "n4", "n3"]);
    const page2 = await listNotifications(app.db, { user: a, limit: 3, before: page1.next! });
    expect(page2.notifications.map((n) => n.title)).toEqual(["n2", "n1"]);
    expect(page2.next).toBeNull();
    expect(await unreadNotificationCount(app.db, { user: a })).toBe(5);
    expect(await markNotificationsRead(app.db, { user: a, ids: [page1.notifications[0].id, theirs] })).toBe(1);
    expect(await unreadNotificationCount(app.db, { user: a })).toBe(4);
    expect(await unreadNotificationCount(app.db, { user: other })).toBe(1);
    expect(await openNotification(app.db, { user: a, id: theirs })).toBeNull();
    expect(await openNotification(app.db, { user: a, id: page1.notifications[1].id })).toEqual({ url: "/shares/4" });
    expect(await markNotificationsRead(app.db, { user: a, all: true })).toBe(3);
    expect(await unreadNotificationCount(app.db, { user: a })).toBe(0);
  });
});

describe("items the person can no longer open", () => {
  const ways = {
    "gone back to draft": { hide: { status: "draft" as const }, restore: { status: "published" as const } },
    archived: { hide: { status: "archived" as const }, restore: { status: "published" as const } },
    expired: { hide: { expiresAt: new Date(Date.now() - DAY) }, restore: { expiresAt: null } },
  };
  /** Hides the item from a seller of `team` one of the ways it can happen; `restore` undoes it. */
  const hider = async (itemId: string, way: keyof typeof ways | "moved to another team") => {
    const set = (values: Partial<typeof items.$inferInsert>) => app.db.update(items).set(values).where(eq(items.id, itemId));
    if (way !== "moved to another team") return { hide: () => set(ways[way].hide), restore: () => set(ways[way].restore) };
    const other = await createTeam(app);
    return {
      hide: () => app.db.insert(itemAudiences).values({ itemId, teamId: other.id }),
      restore: () => app.db.delete(itemAudiences).where(eq(itemAudiences.itemId, itemId)),
    };
  };

  for (const way of [...(Object.keys(ways) as (keyof typeof ways)[]), "moved to another team" as const]) {
    it(`shows notifications about an item ${way} without its title, body or link, marked read once the list is looked at`, async () => {
      const team = await createTeam(app);
      const seller = sessionUser(await createUser(app, { teamId: team.id }));
      const item = await createItem(app, { title: "Falcon pricing" });
      const about = (kind: "feedback_answered" | "request_fulfilled" | "saved_item_updated", url: string) =>
        notify(app.db, { to: seller.id, kind, title: `${kind} “Falcon pricing”`, body: `${kind} body`, url });
      const [reply] = await about("feedback_answered", `/items/${item.id}#was-this-useful`);
      const [fulfilled] = await about("request_fulfilled", `/items/${item.id}`);
      const [updated] = await about("saved_item_updated", `/items/${item.id}`);
      await notify(app.db, { to: seller.id, kind: "share_opened", title: "Dana opened your share", url: "/shares/x" });
      const { hide, restore } = await hider(item.id, way);
      const list = async (unreadOnly = false) => (await listNotifications(app.db, { user: seller, unreadOnly })).notifications;

      await hide();
      // The bell on every page is a plain count: they count until the list is looked at.
      expect(await unreadNotificationCount(app.db, { user: seller })).toBe(4);
      expect((await list()).map(({ title, body, url, read }) => ({ title, body, url, read }))).toEqual([
        { title: "Dana opened your share", body: "", url: "/shares/x", read: false },
        { title: "An item you used has a new version, but you can no longer open it", body: "", url: null, read: true },
        { title: "Your content request was fulfilled", body: "request_fulfilled body", url: "/requests", read: true },
        { title: "Marketing replied to your feedback", body: "feedback_answered body", url: "/me", read: true },
      ]);
      expect(JSON.stringify(await list())).not.toMatch(new RegExp(`Falcon|${item.id}`));
      expect((await list(true)).map((n) => n.title)).toEqual(["Dana opened your share"]);
      expect(await unreadNotificationCount(app.db, { user: seller })).toBe(1);

      await restore();
      // Read once looked at; back, they name the item again.
      expect(await unreadNotificationCount(app.db, { user: seller })).toBe(1);
      expect((await list()).map((n) => n.title)).toContain("saved_item_updated “Falcon pricing”");

      // Following one goes where it may be read now, not to a page that would answer 404.
      await hide();
      expect(await openNotification(app.db, { user: seller, id: reply })).toEqual({ url: "/me" });
      expect(await openNotification(app.db, { user: seller, id: fulfilled })).toEqual({ url: "/requests" });
      expect(await openNotification(app.db, { user: seller, id: updated })).toEqual({ url: null });
    });
  }
});

describe("preferences", () => {
  it("shows the kinds of the person's role with defaults, and refuses unknown kinds or choices a kind does not offer", async () => {
    const seller = await createUser(app);
    const marketer = await createUser(app, { role: "marketer" });
    const sp = await loadPrefs(app.db, { user: seller });
    expect(sp.kinds.map((k) => k.kind)).toEqual(["feedback_answered", "request_fulfilled", "saved_item_updated", "share_opened"]);
    expect(sp.kinds[0]).toMatchObject({ inApp: true, email: "immediate" });
    // The form says which kinds push only a few times a day.
    expect(sp.kinds.find((k) => k.kind === "saved_item_updated")!.description).toMatch(
      / Pushed to a phone at most 3 times a day; the rest wait here\.$/,
    );
    expect(sp.kinds.find((k) => k.kind === "feedback_answered")!.description).not.toMatch(/Pushed/);
    expect(sp.push).toBe(false);
    const mp = await loadPrefs(app.db, { user: marketer });
    expect(mp.kinds.map((k) => k.kind)).toContain("content_digest");
    await expect(savePrefs(app.db, { user: seller, input: { prefs: { nope: { inApp: true, email: "off" } } } })).rejects.toThrow(/nope/);
    await expect(
      savePrefs(app.db, { user: seller, input: { prefs: { content_digest: { inApp: true, email: "daily" } } } }),
    ).rejects.toThrow(/off, weekly/);
    await expect(savePrefs(app.db, { user: seller, input: { prefs: { share_opened: { inApp: "yes", email: "off" } } } })).rejects.toThrow();
    await savePrefs(app.db, { user: seller, input: { prefs: { share_opened: { inApp: false, email: "weekly" } } } });
    await savePrefs(app.db, { user: seller, input: { prefs: { request_fulfilled: { inApp: true, email: "off" } } } });
    const after = await loadPrefs(app.db, { user: seller });
    expect(after.kinds.find((k) => k.kind === "share_opened")).toMatchObject({ inApp: false, email: "weekly" });
    expect(after.kinds.find((k) => k.kind === "request_fulfilled")).toMatchObject({ inApp: true, email: "off" });
  });
});

describe("producers", () => {
  it("tells the seller when marketing replies to their feedback, linking to the item's feedback section", async () => {
    const marketer = sessionUser(await createUser(app, { role: "marketer" }));
    const seller = await createUser(app);
    const item = await createItem(app, { title: "Pricing deck" });
    const [rating] = await app.db
      .insert(ratings)
      .values({ itemId: item.id, versionId: item.versions[0].id, userId: seller.id, useful: false, comment: "Old", at: new Date() })
      .returning();
    await replyToRating(app.db, { user: marketer, ratingId: rating.id, body: "Fixed the numbers" });
    const [n] = (await listNotifications(app.db, { user: seller })).notifications;
    expect(n).toMatchObject({
      kind: "feedback_answered",
      title: "Marketing replied to your feedback on “Pricing deck”",
      body: "Fixed the numbers",
      url: `/items/${item.id}#was-this-useful`,
    });
  });

  it("does not name a rated item the seller may no longer open, in the reply's notification or on Me", async () => {
    const team = await createTeam(app);
    const other = await createTeam(app);
    const marketer = sessionUser(await createUser(app, { role: "marketer" }));
    const seller = sessionUser(await createUser(app, { teamId: team.id }));
    const item = await createItem(app, { title: "Pricing deck" });
    const [rating] = await app.db
      .insert(ratings)
      .values({ itemId: item.id, versionId: item.versions[0].id, userId: seller.id, useful: false, comment: "Old", at: new Date() })
      .returning();
    // Since the rating, the item went to another team under a name the seller was never meant to read.
    await app.db.update(items).set({ title: "Pricing for Project Falcon (acquisition)" }).where(eq(items.id, item.id));
    await app.db.insert(itemAudiences).values({ itemId: item.id, teamId: other.id });
    await replyToRating(app.db, { user: marketer, ratingId: rating.id, body: "Fixed the numbers" });
    const [n] = (await listNotifications(app.db, { user: seller })).notifications;
    expect(n).toMatchObject({
      kind: "feedback_answered",
      title: "Marketing replied to your feedback",
      body: "Fixed the numbers",
      url: "/me",
    });
    const [reply] = await listMyReplies(app.db, { user: seller });
    expect(reply).toMatchObject({ about: "Your feedback on an item you can no longer open", url: null, body: "Fixed the numbers" });
    expect(JSON.stringify([n, reply])).not.toMatch(/Falcon|Pricing deck/);
    expect(JSON.stringify([n, reply])).not.toContain(item.id);
  });

  it("does not name an answering item the requester may not open in their notification", async () => {
    const team = await createTeam(app);
    const other = await createTeam(app);
    const seller = sessionUser(await createUser(app, { teamId: team.id }));
    const marketer = sessionUser(await createUser(app, { role: "marketer" }));
    for (const hidden of [
      await createItem(app, { title: "West-only pricing", audiences: [other.id] }),
      await createItem(app, { title: "Unreleased draft", status: "draft" }),
    ]) {
      const request = await createRequest(app.db, { user: seller, input: { text: "Pricing for my region" } as never });
      await updateRequest(app.db, {
        user: marketer,
        id: request.id,
        input: { status: "done", answerItemId: hidden.id, reply: null } as never,
      });
      const [done] = (await listNotifications(app.db, { user: seller })).notifications.filter((n) => n.kind === "request_fulfilled");
      expect(done).toMatchObject({ title: "Your content request was fulfilled", url: "/requests" });
      expect(JSON.stringify(done)).not.toContain(hidden.id);
      await app.db.delete(notifications).where(eq(notifications.userId, seller.id));
    }
  });

  it("tells marketing about a new request once, and its author when it is done (with the answering item) and about the reply", async () => {
    const team = await createTeam(app);
    const seller = sessionUser(await createUser(app, { teamId: team.id }));
    const marketer = sessionUser(await createUser(app, { role: "marketer" }));
    const request = await createRequest(app.db, { user: seller, input: { text: "A battle card for Northwind" } as never });
    const [incoming] = (await listNotifications(app.db, { user: marketer })).notifications;
    expect(incoming).toMatchObject({ kind: "new_request", url: "/feedback/requests", body: "A battle card for Northwind" });
    const item = await createItem(app, { title: "Northwind battle card" });
    await updateRequest(app.db, {
      user: marketer,
      id: request.id,
      input: { status: "done", answerItemId: item.id, reply: "Here it is" } as never,
    });
    await updateRequest(app.db, { user: marketer, id: request.id, input: { status: "done", answerItemId: item.id, reply: null } as never });
    const got = (await listNotifications(app.db, { user: seller })).notifications;
    expect(got.map((n) => n.kind).sort()).toEqual(["feedback_answered", "request_fulfilled"]);
    expect(got.find((n) => n.kind === "request_fulfilled")).toMatchObject({
      title: "Your request was answered: “Northwind battle card”",
      url: `/items/${item.id}`,
    });
  });

  it("tells people who used a published item, and may still see it, about its new version", async () => {
    const east = await createTeam(app);
    const west = await createTeam(app);
    const user = await createUser(app, { teamId: east.id });
    const outsider = await createUser(app, { teamId: west.id });
    const idle = await createUser(app, { teamId: east.id });
    const item = await createItem(app, { title: "East pricing", audiences: [east.id] });
    const today = new Date().toISOString().slice(0, 10);
    await app.db.insert(itemSellerDaily).values([
      { day: today, itemId: item.id, userId: user.id, teamId: east.id, events: 1, views: 1 },
      // Moved teams since: the item's audience no longer includes them.
      { day: today, itemId: item.id, userId: outsider.id, teamId: east.id, events: 1, views: 1 },
    ]);
    await notifyItemUpdated(app.db, { itemId: item.id, number: 2, changelog: "New prices" });
    expect((await listNotifications(app.db, { user })).notifications[0]).toMatchObject({
      kind: "saved_item_updated",
      title: "“East pricing” has a new version (v2)",
      url: `/items/${item.id}`,
    });
    expect((await listNotifications(app.db, { user: outsider })).notifications).toEqual([]);
    expect((await listNotifications(app.db, { user: idle })).notifications).toEqual([]);
  });

  it("tells the seller about the first open of a buyer share, once", async () => {
    const seller = await createUser(app);
    const [share] = await app.db
      .insert(shares)
      .values({
        token: randomBytes(32).toString("base64url"),
        userId: seller.id,
        recipientName: "Dana at Acme",
        expiresAt: new Date(Date.now() + 7 * DAY),
      })
      .returning();
    const open = () => ({ viewer: randomUUID(), events: [{ id: randomUUID(), type: "open" as const }] });
    await recordBuyerEvents(app.db, { token: share.token, body: open(), userAgent: "Mozilla/5.0 Chrome/130" });
    await recordBuyerEvents(app.db, { token: share.token, body: open(), userAgent: "Mozilla/5.0 Chrome/130" });
    const got = (await listNotifications(app.db, { user: seller })).notifications;
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: "share_opened", title: "Dana at Acme opened your share", url: `/shares/${share.id}` });
  });
});

describe("reminders", () => {
  it("reminds the owner (or every marketer when it has none) of items expiring within 14 days and past verification, once per window", async () => {
    const now = new Date();
    const owner = await createUser(app, { role: "marketer" });
    const expiring = await createItem(app, { title: "Expiring soon", expiresAt: new Date(now.getTime() + 5 * DAY) });
    await createItem(app, { title: "Expiring later", expiresAt: new Date(now.getTime() + 30 * DAY) });
    const stale = await createItem(app, { title: "Stale", publishedAt: new Date(now.getTime() - 100 * DAY), verifyIntervalDays: 90 });
    await app.db.update(items).set({ ownerId: owner.id }).where(eq(items.id, expiring.id));
    await sendReminders(app.db, now);
    const ownerGot = (await listNotifications(app.db, { user: owner })).notifications;
    expect(ownerGot.filter((n) => n.kind === "item_expiring").map((n) => n.url)).toEqual([`/items/${expiring.id}/edit`]);
    // The stale item has no owner: every marketer hears about it, the owner among them.
    expect(ownerGot.filter((n) => n.kind === "verification_due").map((n) => n.url)).toContain(`/items/${stale.id}`);
    const count = async () =>
      (
        await app.db
          .select()
          .from(notifications)
          .where(and(eq(notifications.userId, owner.id)))
      ).length;
    const before = await count();
    await sendReminders(app.db, now);
    expect(await count()).toBe(before);
    // A new expiry date is a new window.
    await app.db
      .update(items)
      .set({ expiresAt: new Date(now.getTime() + 9 * DAY) })
      .where(eq(items.id, expiring.id));
    await sendReminders(app.db, now);
    expect(await count()).toBe(before + 1);
  });

  it("reminds of every overdue and expiring item, past the first batch too, as one notification each when there are many", async () => {
    const now = new Date("2027-06-01T12:00:00Z");
    const marketer = await createUser(app, { role: "marketer" });
    await savePrefs(app.db, { user: marketer, input: { prefs: {}, push: true } });
    const pushesBefore = (await jobsFor("send_push")).length;
    // 25 items overdue for verification and 25 expiring, read 10 at a time: a sweep that read only its first
    // batch (1,000 in production) read the same oldest ones each time and never reached the rest.
    const overdue = await app.db
      .insert(items)
      .values(
        Array.from({ length: 25 }, (_, i) => ({
          type: "one_pager" as const,
          title: `Overdue ${i}`,
          status: "published" as const,
          publishedAt: new Date(now.getTime() - (200 - i) * DAY),
          verifyIntervalDays: 30,
        })),
      )
      .returning({ id: items.id });
    const expiring = await app.db
      .insert(items)
      .values(
        Array.from({ length: 25 }, (_, i) => ({
          type: "one_pager" as const,
          title: `Expiring ${i}`,
          status: "published" as const,
          publishedAt: now,
          expiresAt: new Date(now.getTime() + (1 + i / 5) * DAY),
        })),
      )
      .returning({ id: items.id });
    await sendReminders(app.db, now, { batch: 10 });
    const claims = new Set(
      (await app.db.select().from(reminderClaims).where(eq(reminderClaims.userId, marketer.id))).map((c) => c.key.split(":")[1]),
    );
    for (const r of [...overdue, ...expiring]) expect(claims.has(r.id)).toBe(true);
    // Hundreds of notices (and pushes) at once buried a marketer: many new ones are one notification,
    // counting them and leading to the library's list of them (the items have no owner: every marketer's).
    const got = await mine(marketer.id);
    const due = got.filter((n) => n.kind === "verification_due");
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ title: expect.stringMatching(/^\d+ items are due for verification$/), url: "/library?needs=stale" });
    expect(Number(due[0].title.split(" ")[0])).toBeGreaterThanOrEqual(25);
    expect(due[0].body).toMatch(/^“.+”, “.+” and \d+ more\. Check each is still right, then mark it verified\.$/);
    const soon = got.filter((n) => n.kind === "item_expiring");
    expect(soon).toHaveLength(1);
    expect(soon[0]).toMatchObject({
      title: expect.stringMatching(/^\d+ items expire within 14 days$/),
      url: "/library?expiring=30&sort=expires&dir=asc",
    });
    expect((await jobsFor("send_push")).length - pushesBefore).toBe(2);
    // Nothing twice; one more due later is told on its own.
    await sendReminders(app.db, now, { batch: 10 });
    expect(await mine(marketer.id)).toHaveLength(2);
    const [late] = await app.db
      .insert(items)
      .values({
        type: "deck",
        title: "Due now",
        status: "published",
        publishedAt: new Date(now.getTime() - 31 * DAY),
        verifyIntervalDays: 30,
      })
      .returning({ id: items.id });
    await sendReminders(app.db, now, { batch: 10 });
    expect((await mine(marketer.id)).filter((n) => n.url === `/items/${late.id}`)).toHaveLength(1);
  });

  it("leads an owner's grouped reminder to their own items", async () => {
    const now = new Date("2028-03-01T12:00:00Z");
    const owner = await createUser(app, { role: "marketer" });
    // Every item of the tests before verified, so only this owner's are due.
    await app.db.update(items).set({ verifiedAt: now }).where(eq(items.status, "published"));
    await app.db.insert(items).values(
      Array.from({ length: 4 }, (_, i) => ({
        type: "deck" as const,
        title: `Owned ${i}`,
        status: "published" as const,
        ownerId: owner.id,
        publishedAt: new Date(now.getTime() - 40 * DAY),
        verifyIntervalDays: 30,
      })),
    );
    await sendReminders(app.db, now);
    const due = (await mine(owner.id)).filter((n) => n.kind === "verification_due");
    expect(due.map((n) => [n.title, n.url])).toEqual([["4 items are due for verification", "/library?needs=stale&owner=me"]]);
  });
});
