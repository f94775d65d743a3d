// An item's insight page lists its newest comments; one commented on by more people than that says how
// many there are, and marketing gets a way to read them all, instead of a list that stops without a word.
import { afterAll, beforeAll, expect, it } from "vitest";
import { ratings, users } from "@/db/schema";
import { COMMENTS_SHOWN, itemDetail } from "~/modules/insights/item-report.server";
import { createTestApp, createUser, type TestApp } from "../setup/app";
import { createItem, sessionUser } from "../setup/feedback";

let app: TestApp;
let marketer: ReturnType<typeof sessionUser>;
let itemId = "";
const COMMENTERS = COMMENTS_SHOWN + 3;
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  app = await createTestApp();
  marketer = sessionUser(await createUser(app, { role: "marketer" }));
  const item = await createItem(app, { title: "Much discussed deck" });
  itemId = item.id;
  const sellers = await app.db
    .insert(users)
    .values(
      Array.from({ length: COMMENTERS }, (_, i) => ({
        email: `commenter${i}@comments.test`,
        name: `Commenter ${i}`,
        passwordHash: "x",
        role: "seller" as const,
      })),
    )
    .returning({ id: users.id });
  await app.db.insert(ratings).values(
    sellers.map((s, i) => ({
      itemId,
      versionId: item.versions[0].id,
      userId: s.id,
      useful: i % 2 === 0,
      comment: `Comment ${String(i).padStart(3, "0")}`,
      at: new Date(Date.now() - (COMMENTERS - i) * 60_000),
    })),
  );
});
afterAll(() => app?.close());

it("lists the newest comments and counts them all", async () => {
  const detail = await itemDetail(app.db, { user: marketer, itemId, range: { from: today, to: today } });
  expect(detail.comments).toHaveLength(COMMENTS_SHOWN);
  expect(detail.commentCount).toBe(COMMENTERS);
  expect(detail.comments[0].comment).toBe(`Comment ${String(COMMENTERS - 1).padStart(3, "0")}`);
});
