// Replies on Me: marketing's answers to a seller's feedback, unread first, linking to the item, and read
// once the seller has opened the item.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { feedbackReplies, itemVersions, items, ratings } from "@/db/schema";
import { loadItemFeedback, replyToRating, unreadReplyCount } from "~/modules/feedback/ratings.server";
import { REPLIES_PAGE, listMyReplies } from "~/modules/notifications/replies.server";
import { loader as appLoader } from "~/routes/_app";
import { loader as meLoader } from "~/routes/_app.me";
import { cookieFor, createTestApp, createUser, request, routeArgs, type TestApp } from "../setup/app";
import { createItem, sessionUser } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

it("lists a reply to the seller's feedback on Me, linking to the item, until the item has been opened", async () => {
  const marketer = await createUser(app, { role: "marketer" });
  const seller = await createUser(app, { role: "seller" });
  const [item] = await app.db
    .insert(items)
    .values({ type: "talk_track", title: "Pricing talk track", status: "published", publishedAt: new Date(), ownerId: marketer.id })
    .returning();
  const [version] = await app.db
    .insert(itemVersions)
    .values({ itemId: item.id, number: 1, changelog: "First", bodyMd: "Hi", text: "Hi" })
    .returning();
  const [rating] = await app.db
    .insert(ratings)
    .values({ itemId: item.id, versionId: version.id, userId: seller.id, useful: false, comment: "Out of date", at: new Date() })
    .returning();
  const marketerUser = { id: marketer.id, email: marketer.email, name: marketer.name, role: marketer.role, teamId: null, leadsTeamIds: [] };
  await replyToRating(app.db, { user: marketerUser, ratingId: rating.id, body: "Updated the numbers, thanks!" });

  const me = (await meLoader(routeArgs(app, request("/me", { cookie: await cookieFor(app, seller.id) })) as never)) as Awaited<
    ReturnType<typeof meLoader>
  >;
  expect(me.replies).toMatchObject({ total: 1, page: 1, pages: 1 });
  expect(me.replies.replies[0]).toMatchObject({
    body: "Updated the numbers, thanks!",
    read: false,
    url: `/items/${item.id}#was-this-useful`,
    about: "Your feedback on “Pricing talk track”",
  });

  const sellerUser = { id: seller.id, email: seller.email, name: seller.name, role: seller.role, teamId: null, leadsTeamIds: [] };
  await loadItemFeedback(app.db, { user: sellerUser, itemId: item.id, currentVersion: { versionId: version.id, versionNumber: 1 } });
  const after = await listMyReplies(app.db, { user: sellerUser });
  expect(after[0].read).toBe(true);
  expect(await listMyReplies(app.db, { user: marketerUser })).toEqual([]);
});

it("lets go of the badge on Me for an unread reply about an item the seller can no longer open, once Me is looked at", async () => {
  const marketer = sessionUser(await createUser(app, { role: "marketer" }));
  const seller = await createUser(app, { role: "seller" });
  const cookie = await cookieFor(app, seller.id);
  const item = await createItem(app, { title: "Falcon pricing" });
  const [rating] = await app.db
    .insert(ratings)
    .values({ itemId: item.id, versionId: item.versions[0].id, userId: seller.id, useful: false, comment: "Old", at: new Date() })
    .returning();
  await replyToRating(app.db, { user: marketer, ratingId: rating.id, body: "Fixed the numbers" });
  const badge = async () => ((await appLoader(routeArgs(app, request("/home", { cookie })) as never)) as { unread: number }).unread;
  expect([await badge(), await unreadReplyCount(app.db, { user: seller })]).toEqual([1, 1]);

  // Only opening the item marks the reply read, and the item has gone back to draft: looking at the
  // replies on Me marks it read instead (the badge on every page is a plain count).
  await app.db.update(items).set({ status: "draft" }).where(eq(items.id, item.id));
  expect(await badge()).toBe(1);
  const [reply] = await listMyReplies(app.db, { user: seller });
  expect(reply).toMatchObject({
    about: "Your feedback on an item you can no longer open",
    url: null,
    read: true,
    body: "Fixed the numbers",
  });
  expect([await badge(), await unreadReplyCount(app.db, { user: seller })]).toEqual([0, 0]);
});

it("pages a seller's many replies on Me, unread first, says how many, and shows the last page for an address past it", async () => {
  const marketer = await createUser(app, { role: "marketer" });
  const seller = await createUser(app, { role: "seller" });
  const cookie = await cookieFor(app, seller.id);
  const item = await createItem(app, { title: "Rated often" });
  const [rating] = await app.db
    .insert(ratings)
    .values({ itemId: item.id, versionId: item.versions[0].id, userId: seller.id, useful: true, comment: "Good", at: new Date() })
    .returning();
  const total = REPLIES_PAGE * 2 + 5;
  const start = Date.parse("2026-01-01T00:00:00Z");
  // The oldest three unread: they still come first, on page 1.
  await app.db.insert(feedbackReplies).values(
    Array.from({ length: total }, (_, i) => ({
      ratingId: rating.id,
      recipientId: seller.id,
      authorId: marketer.id,
      body: `Reply ${i}`,
      at: new Date(start + i * 60_000),
      readAt: i < 3 ? null : new Date(),
    })),
  );
  const me = async (query = "") =>
    ((await meLoader(routeArgs(app, request(`/me${query}`, { cookie })) as never)) as Awaited<ReturnType<typeof meLoader>>).replies;

  const first = await me();
  expect(first).toMatchObject({ total, page: 1, pages: 3 });
  expect(first.replies.map((r) => r.body).slice(0, 4)).toEqual(["Reply 2", "Reply 1", "Reply 0", `Reply ${total - 1}`]);
  const last = await me("?replies=3");
  expect(last.replies.map((r) => r.body)).toEqual(["Reply 7", "Reply 6", "Reply 5", "Reply 4", "Reply 3"]);
  // Every reply once across the pages.
  const second = await me("?replies=2");
  const seen = [...first.replies, ...second.replies, ...last.replies].map((r) => r.body);
  expect(new Set(seen).size).toBe(total);
  expect(await me("?replies=40")).toEqual(last);
  expect((await me("?replies=nonsense")).page).toBe(1);
});
