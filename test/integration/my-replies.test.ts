// Replies on Me: marketing's answers to a seller's feedback, unread first, linking to the item, and read
// once the seller has opened the item.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { itemVersions, items, ratings } from "@/db/schema";
import { loadItemFeedback, replyToRating, unreadReplyCount } from "~/modules/feedback/ratings.server";
import { listMyReplies } from "~/modules/notifications/replies.server";
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
  expect(me.replies).toHaveLength(1);
  expect(me.replies[0]).toMatchObject({
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
