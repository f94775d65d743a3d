import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { action as ratingApi } from "~/routes/api.v1.items.$id.rating";
import { action as ratingForm } from "~/routes/_app.items.$id.feedback";
import { loadItemFeedback, rateItem, replyToRating, resolveRating, unreadReplyCount } from "~/modules/feedback/ratings.server";
import { itemVersions, items, ratings } from "@/db/schema";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { addVersion, createItem, sessionUser } from "../setup/feedback";

const HOUR = 3_600_000;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

async function people() {
  const team = await createTeam(app);
  const seller = await createUser(app, { role: "seller", teamId: team.id });
  const marketer = await createUser(app, { role: "marketer" });
  return { team, seller, marketer, sellerUser: sessionUser(seller), marketerUser: sessionUser(marketer) };
}

const put = async (cookie: string, itemId: string, json: unknown) => {
  const res = (await ratingApi(
    routeArgs(app, request(`/api/v1/items/${itemId}/rating`, { method: "PUT", json, cookie }), { id: itemId }) as never,
  )) as Response;
  return { status: res.status, body: (await res.json()) as any };
};

describe("PUT /api/v1/items/:id/rating", () => {
  it("stores the rating on the item's current version", async () => {
    const { seller } = await people();
    const item = await createItem(app, { versions: 2 });
    const res = await put(await cookieFor(app, seller.id), item.id, {
      useful: false,
      reasons: ["outdated", "too_long"],
      comment: " Pricing is from last year ",
      at: new Date().toISOString(),
    });
    expect(res.status).toBe(200);
    expect(res.body.rating).toMatchObject({
      versionId: item.versions[1].id,
      versionNumber: 2,
      useful: false,
      reasons: ["outdated", "too_long"],
      comment: "Pricing is from last year",
      applied: true,
    });
  });

  it("keeps one rating per version: a later answer replaces it, an older one is ignored", async () => {
    const { seller } = await people();
    const cookie = await cookieFor(app, seller.id);
    const item = await createItem(app);
    const t0 = Date.now() - 60_000;
    await put(cookie, item.id, { useful: false, at: new Date(t0).toISOString() });
    const newer = await put(cookie, item.id, { useful: true, reasons: ["won_the_meeting"], at: new Date(t0 + 30_000).toISOString() });
    expect(newer.body.rating).toMatchObject({ useful: true, applied: true });
    const stale = await put(cookie, item.id, { useful: false, at: new Date(t0 + 10_000).toISOString() });
    expect(stale.body.rating).toMatchObject({ useful: true, reasons: ["won_the_meeting"], applied: false });
    const rows = await app.db.select().from(ratings).where(eq(ratings.itemId, item.id));
    expect(rows.map((r) => r.useful)).toEqual([true]);
  });

  it("starts a separate rating when the item gets a new version", async () => {
    const { sellerUser } = await people();
    const item = await createItem(app);
    await rateItem(app.db, { user: sellerUser, itemId: item.id, input: { useful: false, reasons: [], comment: null } });
    await addVersion(app, item.id, 2);
    await rateItem(app.db, { user: sellerUser, itemId: item.id, input: { useful: true, reasons: [], comment: null } });
    const rows = await app.db.select().from(ratings).where(eq(ratings.itemId, item.id));
    expect(rows.length).toBe(2);
  });

  it("answers 404 for an item outside the seller's audience and for a draft", async () => {
    const { seller } = await people();
    const other = await createTeam(app);
    const cookie = await cookieFor(app, seller.id);
    const hidden = await createItem(app, { audiences: [other.id] });
    const draft = await createItem(app, { status: "draft" });
    expect((await put(cookie, hidden.id, { useful: true })).status).toBe(404);
    expect((await put(cookie, draft.id, { useful: true })).status).toBe(404);
    expect((await put(cookie, "nope", { useful: true })).status).toBe(404);
  });

  it("stores an answer a phone sends later on the version there was then, or on the one it names", async () => {
    const { seller } = await people();
    const cookie = await cookieFor(app, seller.id);
    const item = await createItem(app);
    const other = await createItem(app);
    await app.db
      .update(itemVersions)
      .set({ createdAt: new Date(Date.now() - 2 * HOUR) })
      .where(eq(itemVersions.id, item.versions[0].id));
    const v2 = await addVersion(app, item.id, 2);
    const anHourAgo = new Date(Date.now() - HOUR).toISOString();
    const then = await put(cookie, item.id, { useful: false, comment: "Old prices", at: anHourAgo });
    expect(then.body.rating).toMatchObject({ versionNumber: 1, versionId: item.versions[0].id });
    const named = await put(cookie, item.id, { useful: true, at: anHourAgo, versionId: v2.id.toUpperCase() });
    expect(named.body.rating).toMatchObject({ versionNumber: 2, versionId: v2.id });
    const elsewhere = await put(cookie, item.id, { useful: true, versionId: other.versions[0].id });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.message).toMatch(/versionId is not a version of this item/);
    expect((await put(cookie, item.id, { useful: true, versionId: "v1" })).status).toBe(400);
  });

  it("takes an answer given before the item was archived or expired while the phone was offline, not one given after", async () => {
    const { seller } = await people();
    const cookie = await cookieFor(app, seller.id);
    const archived = await createItem(app);
    const expired = await createItem(app, { expiresAt: new Date(Date.now() + HOUR) });
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    await app.db.update(items).set({ status: "archived" }).where(eq(items.id, archived.id));
    await app.db
      .update(items)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(eq(items.id, expired.id));
    for (const gone of [archived, expired]) {
      const late = await put(cookie, gone.id, { useful: false, reasons: ["outdated"], at: tenMinutesAgo });
      expect(late.status, JSON.stringify(late.body)).toBe(200);
      expect(late.body.rating).toMatchObject({ useful: false, applied: true });
      expect((await put(cookie, gone.id, { useful: true })).status).toBe(404);
    }
    // Older than a usage event may be (30 days): judged as of now.
    const old = new Date(Date.now() - 40 * 24 * HOUR).toISOString();
    expect((await put(cookie, archived.id, { useful: true, at: old })).status).toBe(404);
  });

  it("answers unknown reasons and a missing verdict with 400 naming the field", async () => {
    const { seller } = await people();
    const item = await createItem(app);
    const cookie = await cookieFor(app, seller.id);
    const bad = await put(cookie, item.id, { useful: true, reasons: ["because"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^reasons\.0: reasons must be among/);
    expect((await put(cookie, item.id, { comment: "hi" })).status).toBe(400);
  });
});

describe("the rating form", () => {
  it("saves a no-JavaScript form post and returns to the item", async () => {
    const { seller } = await people();
    const item = await createItem(app);
    const req = request(`/items/${item.id}/feedback`, {
      cookie: await cookieFor(app, seller.id),
      form: { useful: "no", comment: "Too generic" },
    });
    const body = new URLSearchParams({ useful: "no", comment: "Too generic" });
    body.append("reasons", "too_long");
    body.append("reasons", "outdated");
    const res = (await respond(() =>
      ratingForm(routeArgs(app, new Request(req.url, { method: "POST", headers: req.headers, body }), { id: item.id }) as never),
    )) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/items/${item.id}#was-this-useful`);
    const [row] = await app.db.select().from(ratings).where(eq(ratings.itemId, item.id));
    expect(row).toMatchObject({ useful: false, reasons: ["too_long", "outdated"], comment: "Too generic" });
  });

  it("sends a form without Yes or No back with a message", async () => {
    const { seller } = await people();
    const item = await createItem(app);
    const req = request(`/items/${item.id}/feedback`, { cookie: await cookieFor(app, seller.id), form: { comment: "?" } });
    const res = (await respond(() => ratingForm(routeArgs(app, req, { id: item.id }) as never))) as Response;
    expect(res.headers.get("Location")).toBe(`/items/${item.id}?feedbackError=Choose+Yes+or+No.#was-this-useful`);
  });

  it("stores the answer on the version the page showed, though another was added since", async () => {
    const { seller } = await people();
    const item = await createItem(app);
    await addVersion(app, item.id, 2);
    const form = { useful: "yes", version: item.versions[0].id };
    const req = request(`/items/${item.id}/feedback`, { cookie: await cookieFor(app, seller.id), form });
    expect(((await respond(() => ratingForm(routeArgs(app, req, { id: item.id }) as never))) as Response).status).toBe(302);
    const [row] = await app.db.select().from(ratings).where(eq(ratings.itemId, item.id));
    expect(row.versionId).toBe(item.versions[0].id);
  });

  it("sends back to an address it encodes, whatever the id in the posted address holds", async () => {
    const { seller } = await people();
    const cookie = await cookieFor(app, seller.id);
    for (const id of ["a\r\nSet-Cookie: x=1", "é"]) {
      const req = request(`/items/x/feedback`, { cookie, form: { comment: "?" } });
      const res = (await respond(() => ratingForm(routeArgs(app, req, { id }) as never))) as Response;
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toBe(`/items/${encodeURIComponent(id)}?feedbackError=Choose+Yes+or+No.#was-this-useful`);
    }
  });
});

describe("marketing's answers", () => {
  it("shows a reply to the seller once, counting it as unread until seen", async () => {
    const { sellerUser, marketerUser } = await people();
    const item = await createItem(app);
    const rating = await rateItem(app.db, {
      user: sellerUser,
      itemId: item.id,
      input: { useful: false, reasons: ["outdated"], comment: "Old logo" },
    });
    await replyToRating(app.db, { user: marketerUser, ratingId: rating.id, body: "Thanks, fixing it this week." });
    expect(await unreadReplyCount(app.db, { user: sellerUser })).toBe(1);
    const seen = await loadItemFeedback(app.db, { user: sellerUser, itemId: item.id });
    expect(seen.history).toEqual([
      {
        versionNumber: 1,
        useful: false,
        comment: "Old logo",
        replies: [expect.objectContaining({ body: "Thanks, fixing it this week.", author: "Test marketer" })],
        resolvedInVersion: null,
      },
    ]);
    expect(await unreadReplyCount(app.db, { user: sellerUser })).toBe(0);
  });

  it("resolves with a newer version so the seller sees 'updated in v2' and can rate v2", async () => {
    const { sellerUser, marketerUser } = await people();
    const item = await createItem(app);
    const rating = await rateItem(app.db, {
      user: sellerUser,
      itemId: item.id,
      input: { useful: false, reasons: [], comment: "Missing the case study" },
    });
    const v2 = await addVersion(app, item.id, 2);
    await resolveRating(app.db, { user: marketerUser, ratingId: rating.id, versionId: v2.id });
    const fb = await loadItemFeedback(app.db, { user: sellerUser, itemId: item.id });
    expect(fb.versionNumber).toBe(2);
    expect(fb.mine).toBeNull();
    expect(fb.history[0]).toMatchObject({ versionNumber: 1, resolvedInVersion: 2 });
  });

  it("refuses a resolution pointing at an older version or another item's version", async () => {
    const { sellerUser, marketerUser } = await people();
    const item = await createItem(app, { versions: 2 });
    const other = await createItem(app, { versions: 3 });
    const rating = await rateItem(app.db, { user: sellerUser, itemId: item.id, input: { useful: false, reasons: [], comment: "x" } });
    await expect(resolveRating(app.db, { user: marketerUser, ratingId: rating.id, versionId: item.versions[0].id })).rejects.toMatchObject({
      status: 422,
    });
    await expect(resolveRating(app.db, { user: marketerUser, ratingId: rating.id, versionId: other.versions[2].id })).rejects.toMatchObject(
      { status: 422 },
    );
  });

  it("refuses replies and resolutions from sellers and managers with 403", async () => {
    const { team, sellerUser } = await people();
    const item = await createItem(app);
    const manager = sessionUser(await createUser(app, { role: "manager", teamId: team.id, leads: [team.id] }), [team.id]);
    const rating = await rateItem(app.db, { user: sellerUser, itemId: item.id, input: { useful: false, reasons: [], comment: "x" } });
    for (const user of [sellerUser, manager]) {
      await expect(replyToRating(app.db, { user, ratingId: rating.id, body: "hi" })).rejects.toMatchObject({ status: 403 });
      await expect(resolveRating(app.db, { user, ratingId: rating.id })).rejects.toMatchObject({ status: 403 });
    }
  });
});
