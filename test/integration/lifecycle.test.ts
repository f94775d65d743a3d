// Who may move an item where, scheduled publishing, expiry, and what each move tells search and
// offline devices (outbox rows, tombstones, updated_at).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as createApi } from "~/routes/api.v1.items";
import { loader as itemApi, action as patchApi } from "~/routes/api.v1.items.$id";
import { action as transitionApi } from "~/routes/api.v1.items.$id.transition";
import { expireItems, publishDueItems } from "~/modules/library/lifecycle.server";
import { queryLibrary } from "~/modules/library/table.server";
import { itemTombstones, itemTransitions, items, searchOutbox } from "@/db/schema";
import { createTestApp, createUser, cookieFor, request, routeArgs, type TestApp } from "../setup/app";
import { withPublishing } from "../setup/publishing";

let app: TestApp;
let author: { id: string; cookie: string };
let colleague: { id: string; cookie: string };
let admin: { id: string; cookie: string };
let seller: { id: string; cookie: string };
let manager: { id: string; cookie: string };

const person = async (role: "marketer" | "admin" | "seller" | "manager") => {
  const u = await createUser(app, { role });
  return { id: u.id, cookie: await cookieFor(app, u.id) };
};

beforeAll(async () => {
  app = await createTestApp();
  withPublishing(app);
  author = await person("marketer");
  colleague = await person("marketer");
  admin = await person("admin");
  seller = await person("seller");
  manager = await person("manager");
});
afterAll(() => app.close());

async function draft(cookie = author.cookie, extra: Record<string, unknown> = {}) {
  const res = await createApi(
    routeArgs(
      app,
      request("/api/v1/items", {
        cookie,
        json: { type: "definition", title: "Qualified lead", body: "A lead with a **named** contact.", ...extra },
      }),
    ) as never,
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
const move = (id: string, json: Record<string, unknown>, cookie: string) =>
  transitionApi(
    routeArgs(app, request(`/api/v1/items/${id}/transition`, { method: "POST", json, cookie }), { id }) as never,
  ) as Promise<Response>;
const status = async (id: string) => (await app.db.select({ s: items.status }).from(items).where(eq(items.id, id)))[0].s;
const inReview = async () => {
  const id = await draft();
  expect((await move(id, { to: "in_review" }, author.cookie)).status).toBe(200);
  return id;
};

describe("who may move what where", () => {
  it("lets the author submit a draft for review", async () => {
    const id = await inReview();
    expect(await status(id)).toBe("in_review");
  });

  it("forbids the author from approving their own item", async () => {
    const id = await inReview();
    const res = await move(id, { to: "published" }, author.cookie);
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.message).toMatch(/Someone other than the author/);
    expect(await status(id)).toBe("in_review");
  });

  it("lets another marketer approve and publish, recording who did it", async () => {
    const id = await inReview();
    expect((await move(id, { to: "published", comment: "Looks right" }, colleague.cookie)).status).toBe(200);
    expect(await status(id)).toBe("published");
    const history = await app.db.select().from(itemTransitions).where(eq(itemTransitions.itemId, id)).orderBy(itemTransitions.id);
    expect(history.map((h) => [h.fromStatus, h.toStatus])).toEqual([
      [null, "draft"],
      ["draft", "in_review"],
      ["in_review", "published"],
    ]);
    expect(history[2]).toMatchObject({ actorId: colleague.id, comment: "Looks right" });
  });

  it("lets an admin approve an item they submitted themselves", async () => {
    const id = await draft(admin.cookie);
    await move(id, { to: "in_review" }, admin.cookie);
    expect((await move(id, { to: "published" }, admin.cookie)).status).toBe(200);
  });

  it("refuses an approval of the item as it was before its author changed it, and takes one of the item as it is", async () => {
    const id = await inReview();
    const revision = async () => (await app.db.select({ r: items.revision }).from(items).where(eq(items.id, id)))[0].r;
    const seen = await revision();
    // The author rewrites the definition while the reviewer reads the first text.
    const edit = await patchApi(
      routeArgs(
        app,
        request(`/api/v1/items/${id}`, {
          method: "PATCH",
          json: { revision: seen, body: "Anyone who opened an email." },
          cookie: author.cookie,
        }),
        { id },
      ) as never,
    );
    expect(edit.status).toBe(200);
    const stale = await move(id, { to: "published", revision: seen }, colleague.cookie);
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as any).error.message).toMatch(/changed since you opened it/);
    expect(await status(id)).toBe("in_review");
    expect((await move(id, { to: "published", revision: String(await revision()) }, colleague.cookie)).status).toBe(200);
    expect(await status(id)).toBe("published");
    expect((await move(id, { to: "archived", revision: "one" }, colleague.cookie)).status).toBe(400);
  });

  it("requires a comment to reject, then returns the item to draft", async () => {
    const id = await inReview();
    expect((await move(id, { to: "draft" }, colleague.cookie)).status).toBe(422);
    expect((await move(id, { to: "draft", comment: "Add the CRM field names" }, colleague.cookie)).status).toBe(200);
    expect(await status(id)).toBe("draft");
  });

  it("lets the submitter withdraw from review without a comment", async () => {
    const id = await inReview();
    expect((await move(id, { to: "draft" }, author.cookie)).status).toBe(200);
  });

  it("refuses to publish a draft that skipped review with 409", async () => {
    const id = await draft();
    const res = await move(id, { to: "published" }, colleague.cookie);
    expect(res.status).toBe(409);
    expect(((await res.json()) as any).error.message).toMatch(/Submit it for review first/);
  });

  it("forbids sellers and managers from moving a published item they can see", async () => {
    const id = await inReview();
    await move(id, { to: "published" }, colleague.cookie);
    expect((await move(id, { to: "archived" }, seller.cookie)).status).toBe(403);
    expect((await move(id, { to: "archived" }, manager.cookie)).status).toBe(403);
    expect(await status(id)).toBe("published");
  });

  it("answers sellers with 404 for a draft they cannot see", async () => {
    const id = await draft();
    expect((await move(id, { to: "in_review" }, seller.cookie)).status).toBe(404);
  });

  it("archives a published item, tombstones it for devices and queues a search sync", async () => {
    const id = await inReview();
    await move(id, { to: "published" }, colleague.cookie);
    await app.db.delete(searchOutbox).where(eq(searchOutbox.itemId, id));
    const [before] = await app.db.select({ u: items.updatedAt }).from(items).where(eq(items.id, id));
    expect((await move(id, { to: "archived" }, author.cookie)).status).toBe(200);
    expect(await app.db.select().from(itemTombstones).where(eq(itemTombstones.itemId, id))).toHaveLength(1);
    expect((await app.db.select().from(searchOutbox).where(eq(searchOutbox.itemId, id))).length).toBeGreaterThan(0);
    const [after] = await app.db.select({ u: items.updatedAt }).from(items).where(eq(items.id, id));
    expect(after.u.getTime()).toBeGreaterThanOrEqual(before.u.getTime());
    const res = await itemApi(routeArgs(app, request(`/api/v1/items/${id}`, { cookie: seller.cookie }), { id }) as never);
    expect(res.status).toBe(404);
  });

  it("restores an archived item to draft and clears its tombstone when republished", async () => {
    const id = await inReview();
    await move(id, { to: "published" }, colleague.cookie);
    await move(id, { to: "archived" }, author.cookie);
    expect((await move(id, { to: "draft" }, author.cookie)).status).toBe(200);
    await move(id, { to: "in_review" }, author.cookie);
    await move(id, { to: "published" }, colleague.cookie);
    expect(await app.db.select().from(itemTombstones).where(eq(itemTombstones.itemId, id))).toHaveLength(0);
  });

  it("rejects an unknown target status with 400", async () => {
    const id = await draft();
    expect((await move(id, { to: "deleted" }, author.cookie)).status).toBe(400);
  });
});

describe("scheduling and expiry", () => {
  it("keeps an approved item with a future publish time in review until the sweep publishes it", async () => {
    const id = await inReview();
    const at = new Date(Date.now() + 3_600_000);
    const res = await move(id, { to: "published", publishAt: at.toISOString() }, colleague.cookie);
    expect(res.status).toBe(200);
    expect(await status(id)).toBe("in_review");
    expect(await publishDueItems(app.db, new Date(at.getTime() - 60_000))).toBe(0);
    expect(await publishDueItems(app.db, new Date(at.getTime() + 1000))).toBe(1);
    expect(await status(id)).toBe("published");
  });

  it("hides an expired item from sellers at once and archives it in the sweep, never deleting it", async () => {
    const id = await inReview();
    await move(id, { to: "published" }, colleague.cookie);
    const past = new Date(Date.now() - 1000);
    await app.db.update(items).set({ expiresAt: past }).where(eq(items.id, id));
    const res = await itemApi(routeArgs(app, request(`/api/v1/items/${id}`, { cookie: seller.cookie }), { id }) as never);
    expect(res.status).toBe(404);
    expect(await expireItems(app.db)).toBeGreaterThanOrEqual(1);
    expect(await status(id)).toBe("archived");
    expect(await app.db.select().from(itemTombstones).where(eq(itemTombstones.itemId, id))).toHaveLength(1);
    const history = await app.db.select().from(itemTransitions).where(eq(itemTransitions.itemId, id)).orderBy(itemTransitions.id);
    expect(history[history.length - 1]).toMatchObject({
      fromStatus: "published",
      toStatus: "archived",
      comment: expect.stringMatching(/^Expired on/),
    });
    expect(await app.db.select({ id: items.id }).from(items).where(eq(items.id, id))).toHaveLength(1);
  });

  it("refuses to publish an item whose expiry date has passed", async () => {
    const id = await inReview();
    await app.db
      .update(items)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(items.id, id));
    expect((await move(id, { to: "published" }, colleague.cookie)).status).toBe(422);
  });
});

describe("trust rules in the library table", () => {
  it("lists the owner's items that expire soon or are overdue for re-verification", async () => {
    const owner = await person("marketer");
    const soon = await draft(owner.cookie, { expiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString(), verifyIntervalDays: 30 });
    const stale = await draft(owner.cookie, { verifyIntervalDays: 30 });
    for (const id of [soon, stale]) {
      await move(id, { to: "in_review" }, owner.cookie);
      await move(id, { to: "published" }, colleague.cookie);
    }
    await app.db
      .update(items)
      .set({ verifiedAt: new Date(Date.now() - 40 * 86_400_000) })
      .where(eq(items.id, stale));
    const user = { id: owner.id, email: "", name: "", role: "marketer" as const, teamId: null, leadsTeamIds: [] };
    const ids = async (query: Parameters<typeof queryLibrary>[1]["query"]) =>
      (await queryLibrary(app.db, { user, query, mine: true })).rows.map((i) => i.id);
    expect(await ids({ owner: "me", expiring: "30" })).toEqual([soon]);
    expect(await ids({ owner: "me", needs: "stale" })).toEqual([stale]);
  });
});
