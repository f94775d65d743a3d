// The item page's loaders as the browser reaches them: the shell's badge comes from the session
// look-up's one statement, and the page's own data (item, version, tags, the viewer's feedback)
// from one prepared statement per database handle (decision 022).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as shellLoader } from "~/routes/_app";
import { loader as itemLoader } from "~/routes/_app.items.$id";
import { rateItem, replyToRating } from "~/modules/feedback/ratings.server";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { createItem, sessionUser } from "../setup/feedback";
import { itemTransitions } from "@/db/schema";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const shell = async (cookie: string) => (await shellLoader(routeArgs(app, request("/home", { cookie })) as never)) as { unread: number };
const page = (cookie: string, id: string) =>
  respond(() => itemLoader(routeArgs(app, request(`/items/${id}`, { cookie }), { id }) as never));

describe("the seller's item page", () => {
  it("shows the seller's rating and marketing's reply, and the badge counts the reply until the page was seen", async () => {
    const team = await createTeam(app);
    const seller = await createUser(app, { role: "seller", teamId: team.id });
    const marketer = await createUser(app, { role: "marketer" });
    const item = await createItem(app, { versions: 2 });
    const rating = await rateItem(app.db, {
      user: sessionUser(seller),
      itemId: item.id,
      input: { useful: false, reasons: ["outdated"], comment: "Old logo" },
    });
    await replyToRating(app.db, { user: sessionUser(marketer), ratingId: rating.id, body: "Fixed in the next version." });
    const cookie = await cookieFor(app, seller.id);

    expect((await shell(cookie)).unread).toBe(1);
    const data = (await page(cookie, item.id)) as any;
    expect(data.item.id).toBe(item.id);
    expect(data.current.number).toBe(2);
    expect(data.feedback).toMatchObject({
      versionNumber: 2,
      mine: { useful: false, reasons: ["outdated"], comment: "Old logo" },
      history: [
        {
          versionNumber: 2,
          useful: false,
          comment: "Old logo",
          replies: [{ body: "Fixed in the next version.", author: "Test marketer" }],
          resolvedInVersion: null,
        },
      ],
    });
    expect(typeof data.feedback.history[0].replies[0].at).toBe("string");
    // The page shows rendered HTML; the Markdown source is only the API's.
    expect(data).not.toHaveProperty("bodyMd");
    expect((await shell(cookie)).unread).toBe(0);
  });

  it("answers 404 to a seller outside the item's audience and shows it to the manager who leads that team", async () => {
    const team = await createTeam(app);
    const other = await createTeam(app);
    const item = await createItem(app, { audiences: [team.id] });
    const outsider = await createUser(app, { role: "seller", teamId: other.id });
    const manager = await createUser(app, { role: "manager", leads: [team.id] });
    const insider = await createUser(app, { role: "seller", teamId: team.id });

    expect(((await page(await cookieFor(app, outsider.id), item.id)) as Response).status).toBe(404);
    expect(((await page(await cookieFor(app, manager.id), item.id)) as any).item.id).toBe(item.id);
    expect(((await page(await cookieFor(app, insider.id), item.id)) as any).item.id).toBe(item.id);
    expect((await shell(await cookieFor(app, manager.id))).unread).toBe(0);
  });

  it("answers 404 to a seller for a draft and for an expired item, and gives a marketer the draft with its history", async () => {
    const seller = await createUser(app, { role: "seller" });
    const marketer = await createUser(app, { role: "marketer" });
    const draft = await createItem(app, { status: "draft" });
    const expired = await createItem(app, { expiresAt: new Date(Date.now() - 60_000) });
    const sellerCookie = await cookieFor(app, seller.id);

    expect(((await page(sellerCookie, draft.id)) as Response).status).toBe(404);
    expect(((await page(sellerCookie, expired.id)) as Response).status).toBe(404);
    const desk = (await page(await cookieFor(app, marketer.id), draft.id)) as any;
    expect(desk).toMatchObject({ desk: true, feedback: null });
    expect(desk.versions.length).toBe(1);
  });

  it("shows an item with no version yet as having none, to the seller and the desk alike", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const bare = await createItem(app, { versions: 0 });
    for (const cookie of [await cookieFor(app, (await createUser(app, { role: "seller" })).id), await cookieFor(app, marketer.id)]) {
      const shown = (await page(cookie, bare.id)) as any;
      expect(shown).toMatchObject({ item: { id: bare.id }, current: null, html: null });
    }
  });
});

describe("a long-lived item on the desk", () => {
  it("lists the newest 10 versions and 20 moves, says how many more there are, and shows them all on request", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const seller = await createUser(app, { role: "seller" });
    const item = await createItem(app, { versions: 14 });
    await app.db.insert(itemTransitions).values(
      Array.from({ length: 26 }, (_, n) => ({
        itemId: item.id,
        fromStatus: n % 2 ? "draft" : "published",
        toStatus: n % 2 ? "published" : "draft",
        at: new Date(Date.UTC(2026, 0, 1 + n)),
      })),
    );
    const cookie = await cookieFor(app, marketer.id);
    const view = async (qs = "") =>
      (await respond(() => itemLoader(routeArgs(app, request(`/items/${item.id}${qs}`, { cookie }), { id: item.id }) as never))) as any;
    const first = await view();
    expect(first.versions.map((v: { number: number }) => v.number)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5]);
    expect(first.history).toHaveLength(20);
    expect(new Date(first.history[0].at).toISOString()).toBe("2026-01-26T00:00:00.000Z");
    expect(first.more).toEqual({ versions: 4, history: 6 });
    const all = await view("?versions=all&history=all");
    expect(all.versions).toHaveLength(14);
    expect(all.history).toHaveLength(26);
    expect(all.more).toEqual({ versions: 0, history: 0 });
    // A seller's page has neither list.
    const theirs = (await page(await cookieFor(app, seller.id), item.id)) as any;
    expect([theirs.versions, theirs.history, theirs.more]).toEqual([[], [], { versions: 0, history: 0 }]);
  });
});
