// "My shares" at the size of a busy seller's year: found by buyer or item and by what became of the link,
// 20 a page, with the notice counting every unseen open, not only those on the page shown.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shareItems, shares } from "@/db/schema";
import { loader as mySharesPage } from "~/routes/_app.shares._index";
import { cookieFor, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { createItem } from "../setup/feedback";

let app: TestApp;
let cookie: string;
const DAY = 86_400_000;

beforeAll(async () => {
  app = await createTestApp();
  const seller = await createUser(app, { role: "seller" });
  cookie = await cookieFor(app, seller.id);
  const pricing = await createItem(app, { title: "Pricing sheet 2027" });
  const deck = await createItem(app, { title: "Overview deck" });
  const now = Date.now();
  // 45 shares, an hour apart, newest last: every fifth revoked, every third past its expiry, every
  // second opened by the buyer (and the seller has seen none of those opens).
  const rows = await app.db
    .insert(shares)
    .values(
      Array.from({ length: 45 }, (_, i) => ({
        token: `my-shares-${i}-${now}`,
        userId: seller.id,
        recipientName: i === 7 ? "Acme Procurement" : `Buyer ${i}`,
        recipientEmail: `buyer${i}@example.test`,
        createdAt: new Date(now - (45 - i) * 3_600_000),
        expiresAt: new Date(now + (i % 3 === 0 ? -DAY : 14 * DAY)),
        revokedAt: i % 5 === 0 ? new Date(now - 60_000) : null,
        firstOpenedAt: i % 2 === 0 ? new Date(now - 120_000) : null,
      })),
    )
    .returning({ id: shares.id });
  await app.db.insert(shareItems).values(rows.map((r, i) => ({ shareId: r.id, position: 0, itemId: i === 30 ? pricing.id : deck.id })));
  // The seller took the pricing sheet back off Buyer 31's link: that link no longer carries it.
  await app.db.insert(shareItems).values({ shareId: rows[31].id, position: 1, itemId: pricing.id, removedAt: new Date(now - 60_000) });
});
afterAll(() => app?.close());

type Page = Awaited<ReturnType<typeof mySharesPage>>;
const load = async (query = "") => (await mySharesPage(routeArgs(app, request(`/shares${query}`, { cookie })) as never)) as Page;

describe("My shares", () => {
  it("counts every unseen open in the notice, then marks them all seen, whichever page was shown", async () => {
    const first = await load("?page=3");
    expect(first.fresh).toBe(23);
    expect((await load()).fresh).toBe(0);
  });

  it("pages newest first, 20 at a time, through every share once", async () => {
    const pages = [await load(), await load("?page=2"), await load("?page=3")];
    expect(pages[0]).toMatchObject({ total: 45, pages: 3, page: 1 });
    const names = pages.flatMap((p) => p.shares.map((s) => s.recipientName));
    expect(names).toHaveLength(45);
    expect(names[0]).toBe("Buyer 44");
    expect(names.at(-1)).toBe("Buyer 0");
  });

  it("finds a share by part of the buyer's name or address, or of the title of an item on the link", async () => {
    expect((await load("?q=acme")).shares.map((s) => s.recipientName)).toEqual(["Acme Procurement"]);
    expect((await load("?q=BUYER12@")).shares.map((s) => s.recipientEmail)).toEqual(["buyer12@example.test"]);
    expect((await load("?q=pricing")).shares.map((s) => s.recipientName)).toEqual(["Buyer 30"]);
    expect((await load(`?q=${encodeURIComponent("%")}`)).total).toBe(0);
  });

  it("filters by what became of the link, in agreement with each share's status", async () => {
    const counts: Record<string, number> = {};
    for (const show of ["active", "expired", "revoked", "opened", "unopened"]) {
      const page = await load(`?show=${show}&page=1`);
      counts[show] = page.total;
      for (const s of page.shares) {
        if (show === "opened") expect(s.firstOpenedAt).not.toBeNull();
        else if (show === "unopened") expect(s.firstOpenedAt).toBeNull();
        else expect(s.status).toBe(show);
      }
    }
    expect(counts.active + counts.expired + counts.revoked).toBe(45);
    expect(counts.revoked).toBe(9);
    expect(counts.opened + counts.unopened).toBe(45);
    expect(counts.opened).toBe(23);
    expect((await load("?show=forever&page=-1&q=")).total).toBe(45);
  });

  it("orders by opens, or by the links closing soonest, through every share once", async () => {
    const set = (name: string, values: Partial<typeof shares.$inferInsert>) =>
      app.db.update(shares).set(values).where(eq(shares.recipientName, name));
    await set("Buyer 10", { opens: 9 });
    await set("Buyer 20", { opens: 5 });
    await set("Buyer 4", { opens: 5 });
    await set("Buyer 13", { expiresAt: new Date(Date.now() + 2 * DAY) });
    await set("Buyer 11", { expiresAt: new Date(Date.now() + DAY) });
    const all = async (sort: string) => (await Promise.all([1, 2, 3].map((p) => load(`?sort=${sort}&page=${p}`)))).flatMap((p) => p.shares);

    const byOpens = await all("opens");
    // Ties (5 opens each) newest first.
    expect(byOpens.slice(0, 3).map((s) => s.recipientName)).toEqual(["Buyer 10", "Buyer 20", "Buyer 4"]);
    expect(new Set(byOpens.map((s) => s.id)).size).toBe(45);

    const closing = await all("closing");
    expect(closing.slice(0, 2).map((s) => s.recipientName)).toEqual(["Buyer 11", "Buyer 13"]);
    expect(new Set(closing.map((s) => s.id)).size).toBe(45);
    // Every open link before every closed one.
    const statuses = closing.map((s) => (s.status === "active" ? "open" : "closed"));
    expect(statuses.indexOf("closed")).toBe(statuses.lastIndexOf("open") + 1);
    // An unknown order is the default, newest first.
    expect((await load("?sort=random()")).shares[0].recipientName).toBe("Buyer 44");
  });

  it("shows each seller only their own shares", async () => {
    const other = await cookieFor(app, (await createUser(app, { role: "seller" })).id);
    const page = (await respond(() => mySharesPage(routeArgs(app, request("/shares?q=buyer", { cookie: other })) as never))) as Page;
    expect(page.total).toBe(0);
  });
});
