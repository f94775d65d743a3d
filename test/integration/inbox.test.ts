// Marketing's feedback inbox (inbox.server.ts) on a small dataset of its own: which ratings it lists,
// how resolving and a changed verdict move them, and who may read it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listInbox, parseInboxQuery } from "~/modules/feedback/inbox.server";
import { rateItem, resolveRating } from "~/modules/feedback/ratings.server";
import { createTeam, createTestApp, createUser, type TestApp } from "../setup/app";
import { createItem, sessionUser } from "../setup/feedback";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function people() {
  const team = await createTeam(app);
  const seller = await createUser(app, { role: "seller", teamId: team.id });
  const marketer = await createUser(app, { role: "marketer" });
  return { team, sellerUser: sessionUser(seller), marketerUser: sessionUser(marketer) };
}

const ids = async (user: ReturnType<typeof sessionUser>, itemId: string, show: string) =>
  (await listInbox(app.db, { user, query: parseInboxQuery(new URLSearchParams({ item: itemId, show })) })).rows.map((r) => r.id);

describe("feedback inbox", () => {
  it("moves resolved feedback out of the unanswered list, and back when the seller changes their verdict", async () => {
    const { sellerUser, marketerUser } = await people();
    const item = await createItem(app);
    const rating = await rateItem(app.db, { user: sellerUser, itemId: item.id, input: { useful: false, reasons: [], comment: "Meh" } });
    await resolveRating(app.db, { user: marketerUser, ratingId: rating.id });
    expect(await ids(marketerUser, item.id, "unanswered")).toEqual([]);
    expect(await ids(marketerUser, item.id, "resolved")).toEqual([rating.id]);
    await rateItem(app.db, {
      user: sellerUser,
      itemId: item.id,
      input: { useful: false, reasons: [], comment: "Still missing pricing" },
      now: new Date(Date.now() + 1000),
    });
    expect(await ids(marketerUser, item.id, "unanswered")).toEqual([rating.id]);
  });

  it("lists only ratings that say something: a comment or a No", async () => {
    const { team, marketerUser } = await people();
    const item = await createItem(app);
    const raters = await Promise.all([0, 1, 2].map(() => createUser(app, { role: "seller", teamId: team.id })));
    const [plainYes, yesWithComment, plainNo] = await Promise.all([
      rateItem(app.db, { user: sessionUser(raters[0]), itemId: item.id, input: { useful: true, reasons: [], comment: null } }),
      rateItem(app.db, {
        user: sessionUser(raters[1]),
        itemId: item.id,
        input: { useful: true, reasons: [], comment: "Closed a deal with it" },
      }),
      rateItem(app.db, { user: sessionUser(raters[2]), itemId: item.id, input: { useful: false, reasons: ["too_long"], comment: null } }),
    ]);
    const listed = await ids(marketerUser, item.id, "all");
    expect(listed.sort()).toEqual([yesWithComment.id, plainNo.id].sort());
    expect(listed).not.toContain(plainYes.id);
  });

  it("refuses sellers and managers with 403", async () => {
    const { team, sellerUser } = await people();
    const manager = sessionUser(await createUser(app, { role: "manager", teamId: team.id, leads: [team.id] }), [team.id]);
    for (const user of [sellerUser, manager]) {
      await expect(listInbox(app.db, { user, query: parseInboxQuery(new URLSearchParams()) })).rejects.toMatchObject({ status: 403 });
    }
  });
});
