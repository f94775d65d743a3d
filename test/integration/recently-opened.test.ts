// Home's "Recently opened" from the server: a seller's own views in the last 30 days (their usage rollup),
// newest day first, only what they may still see, never another person's, and nothing for marketing
// previews (which the rollups do not count).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as homeLoader } from "~/routes/_app.home";
import { items, itemAudiences, itemSellerDaily } from "@/db/schema";
import { ingestEvents } from "~/modules/usage/ingest.server";
import { recentlyOpenedCards } from "~/modules/library/cards.server";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { createItem, event, sessionUser } from "../setup/feedback";

let app: TestApp;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe("recently opened", () => {
  it("lists a seller's own views, newest day first, at most four, only published items they may still see", async () => {
    const team = await createTeam(app, "Recent East");
    const other = await createTeam(app, "Recent West");
    const seller = await createUser(app, { role: "seller", teamId: team.id });
    const colleague = await createUser(app, { role: "seller", teamId: team.id });
    const [a, b, c, d, e, f, old, hidden, g] = await Promise.all(
      ["A", "B", "C", "D", "E", "F", "Old", "Hidden", "G"].map((t) => createItem(app, { title: `Recent ${t}`, publishedAt: ago(10) })),
    );
    const views = [
      event("view", g.id, ago(7)),
      event("view", a.id, ago(6)),
      event("view", b.id, ago(5)),
      event("view", c.id, ago(4)),
      event("view", d.id, ago(3)),
      event("view", e.id, ago(2)),
      event("view", f.id, ago(1)),
      event("view", f.id, ago(1)),
      event("view", hidden.id, ago(0)),
    ];
    // Sent as the app sends them: the device's clock, within the acceptance window.
    const now = new Date();
    expect(await ingestEvents(app.db, { user: sessionUser(seller), rows: views, now })).toMatchObject({ accepted: 9, rejected: [] });
    // Past the window: written into the rollup as an older view would be (events that old are refused).
    await app.db
      .insert(itemSellerDaily)
      .values({ day: ago(40).toISOString().slice(0, 10), itemId: old.id, userId: seller.id, teamId: team.id, views: 3 });
    await ingestEvents(app.db, { user: sessionUser(colleague), rows: [event("view", a.id, ago(0))], now });
    // One item is archived since, one restricted to another team: neither is offered again.
    await app.db.update(items).set({ status: "archived" }).where(eq(items.id, e.id));
    await app.db.insert(itemAudiences).values({ itemId: hidden.id, teamId: other.id });

    const cookie = await cookieFor(app, seller.id);
    const home = (await respond(() => homeLoader(routeArgs(app, request("/home", { cookie })) as never))) as {
      recent: { title: string }[];
    };
    // Newest day first, four of them (G and A, the oldest, are left out); 40 days ago is past the window; E is
    // archived; Hidden is out of the seller's audience now.
    expect(home.recent.map((r) => r.title)).toEqual(["Recent F", "Recent D", "Recent C", "Recent B"]);
    const theirs = await recentlyOpenedCards(app.db, { user: sessionUser(colleague) });
    expect(theirs.map((r) => r.title)).toEqual(["Recent A"]);
  });

  it("is empty for marketing, whose previews are not usage", async () => {
    const marketer = await createUser(app, { role: "marketer" });
    const item = await createItem(app, { title: "Previewed", publishedAt: ago(1) });
    await ingestEvents(app.db, { user: sessionUser(marketer), rows: [event("view", item.id, ago(0))] });
    expect(await recentlyOpenedCards(app.db, { user: sessionUser(marketer) })).toEqual([]);
  });
});
