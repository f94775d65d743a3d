import { randomUUID } from "node:crypto";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as syncApi } from "~/routes/api.v1.sync";
import { action as ratingApi } from "~/routes/api.v1.items.$id.rating";
import { catalogDelta, decodeCursor } from "~/modules/offline/sync.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { SyncResponse } from "~/offline/types";
import { itemAudiences, itemTags, itemTombstones, itemVersions, itemVisibility, items, tags, users } from "@/db/schema";
import type { ItemType } from "@/vocabulary/library";
import { cookieFor, createTeam, createTestApp, createUser, request, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const HOUR = 3_600_000;

async function sessionUser(role: SessionUser["role"] = "seller", teamId: string | null = null): Promise<SessionUser> {
  const u = await createUser(app, { role, teamId });
  return { id: u.id, email: u.email, name: u.name, role: u.role, teamId: u.teamId, leadsTeamIds: [] };
}

async function makeItem(
  opts: {
    type?: ItemType;
    status?: "draft" | "in_review" | "published" | "archived";
    audience?: string[];
    expiresAt?: Date | null;
    updatedAt?: Date;
    body?: string;
    tag?: { facet: "industry" | "product"; value: string };
  } = {},
) {
  const status = opts.status ?? "published";
  const updatedAt = opts.updatedAt ?? new Date(Date.now() - 2 * HOUR);
  // One transaction: committed before its audience, the item would have been visible to everyone.
  return app.db.transaction(async (tx) => {
    const [item] = await tx
      .insert(items)
      .values({
        type: opts.type ?? "deck",
        title: `Item ${randomUUID().slice(0, 8)}`,
        summary: "A summary",
        status,
        publishedAt: status === "published" || status === "archived" ? updatedAt : null,
        expiresAt: opts.expiresAt ?? null,
        updatedAt,
        createdAt: updatedAt,
      })
      .returning();
    await tx.insert(itemVersions).values({ itemId: item.id, number: 1, bodyMd: opts.body ?? null, text: opts.body ?? "" });
    if (opts.audience?.length) await tx.insert(itemAudiences).values(opts.audience.map((teamId) => ({ itemId: item.id, teamId })));
    if (opts.tag) {
      const [tag] = await tx
        .insert(tags)
        .values({ facet: opts.tag.facet, value: `${opts.tag.value}-${randomUUID().slice(0, 6)}`, label: opts.tag.value })
        .returning();
      await tx.insert(itemTags).values({ itemId: item.id, tagId: tag.id });
    }
    return item;
  });
}

const touch = (id: string, set: Partial<typeof items.$inferInsert> = {}) =>
  app.db
    .update(items)
    .set({ ...set, updatedAt: sql`now()` as unknown as Date })
    .where(eq(items.id, id));

const ids = (r: SyncResponse) => r.items.map((i) => i.id);
/**
 * With no settle window the cursor is the database's now(). PGlite's clock counts whole milliseconds,
 * so a change made in the same millisecond would carry the cursor's own time and fall outside the
 * next delta (a real device's cursor trails by SETTLE_MS): the next statement starts a millisecond on.
 */
const delta = async (user: SessionUser, since?: string, limit?: number) => {
  const result = await catalogDelta(app.db, { user, since, limit, settleMs: 0 });
  await new Promise((resolve) => setTimeout(resolve, 2));
  return result;
};

describe("first sync", () => {
  it("lists the published items a seller may see, with tags, version and a complete-catalog flag", async () => {
    const seller = await sessionUser();
    const deck = await makeItem({ tag: { facet: "industry", value: "Healthcare" } });
    const draft = await makeItem({ status: "draft" });
    const archived = await makeItem({ status: "archived" });
    const expired = await makeItem({ expiresAt: new Date(Date.now() - HOUR) });
    const res = await delta(seller);
    expect(res.full).toBe(true);
    expect(res.more).toBe(false);
    expect(ids(res)).toContain(deck.id);
    expect(ids(res)).not.toContain(draft.id);
    expect(ids(res)).not.toContain(archived.id);
    expect(ids(res)).not.toContain(expired.id);
    const entry = res.items.find((i) => i.id === deck.id)!;
    expect(entry.version).toBe(1);
    expect(entry.versionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(entry.tags).toEqual([{ facet: "industry", value: expect.stringMatching(/^Healthcare-/), label: "Healthcare" }]);
    expect(res.removed).toEqual([]);
  });

  it("includes the Markdown body for messaging items only", async () => {
    const seller = await sessionUser();
    const card = await makeItem({ type: "battle_card", body: "## Expect\n- a questionnaire" });
    const doc = await makeItem({ type: "document", body: "Extracted text is not sent" });
    const res = await delta(seller);
    expect(res.items.find((i) => i.id === card.id)!.bodyMd).toBe("## Expect\n- a questionnaire");
    expect(res.items.find((i) => i.id === doc.id)!.bodyMd).toBeNull();
  });

  it("hides an item whose audience is another team and shows it to that team's seller", async () => {
    const east = await createTeam(app);
    const west = await createTeam(app);
    const westOnly = await makeItem({ audience: [west.id] });
    expect(ids(await delta(await sessionUser("seller", east.id)))).not.toContain(westOnly.id);
    expect(ids(await delta(await sessionUser("seller", west.id)))).toContain(westOnly.id);
  });

  it("gives a marketer drafts too", async () => {
    const draft = await makeItem({ status: "draft" });
    expect(ids(await delta(await sessionUser("marketer")))).toContain(draft.id);
  });
});

describe("delta since a cursor", () => {
  it("returns only items changed after the cursor", async () => {
    const seller = await sessionUser();
    const unchanged = await makeItem();
    const edited = await makeItem();
    const first = await delta(seller);
    await touch(edited.id, { title: "Edited title" });
    const next = await delta(seller, first.cursor);
    expect(next.full).toBe(false);
    expect(ids(next)).toEqual([edited.id]);
    expect(next.items[0].title).toBe("Edited title");
    expect(ids(next)).not.toContain(unchanged.id);
  });

  it("reports a new version's number in the delta", async () => {
    const seller = await sessionUser();
    const item = await makeItem();
    const first = await delta(seller);
    await app.db.insert(itemVersions).values({ itemId: item.id, number: 2, changelog: "Updated figures" });
    await touch(item.id);
    const next = await delta(seller, first.cursor);
    expect(next.items.find((i) => i.id === item.id)!.version).toBe(2);
  });

  it("marks an archived item as removed", async () => {
    const seller = await sessionUser();
    const item = await makeItem();
    const first = await delta(seller);
    await touch(item.id, { status: "archived" });
    await app.db.insert(itemTombstones).values({ itemId: item.id });
    const next = await delta(seller, first.cursor);
    expect(next.removed).toEqual([item.id]);
    expect(ids(next)).toEqual([]);
  });

  it("marks an item as removed when it was archived in the very instant of the cursor", async () => {
    // Timestamps are transaction starts, and PGlite's clock counts whole milliseconds: an archive can
    // carry the instant of the read that still saw the item. Made certain here by setting the times.
    const seller = await sessionUser();
    const item = await makeItem();
    const first = await catalogDelta(app.db, { user: seller, settleMs: 0 });
    expect(ids(first)).toContain(item.id);
    const at = sql`${decodeCursor(first.cursor).t}::timestamptz`;
    await app.db
      .update(items)
      .set({ status: "archived", updatedAt: at as unknown as Date })
      .where(eq(items.id, item.id));
    await app.db
      .update(itemVisibility)
      .set({ toAt: at as unknown as Date })
      .where(and(eq(itemVisibility.itemId, item.id), isNotNull(itemVisibility.toAt)));
    await app.db.insert(itemTombstones).values({ itemId: item.id, at: at as unknown as Date });
    const next = await catalogDelta(app.db, { user: seller, since: first.cursor, settleMs: 0 });
    expect(next.removed).toEqual([item.id]);
  });

  it("marks an item as removed when the seller's team is taken out of its audience", async () => {
    const east = await createTeam(app);
    const west = await createTeam(app);
    const seller = await sessionUser("seller", east.id);
    const item = await makeItem({ audience: [east.id] });
    const first = await delta(seller);
    expect(ids(first)).toContain(item.id);
    await app.db.delete(itemAudiences).where(eq(itemAudiences.itemId, item.id));
    await app.db.insert(itemAudiences).values({ itemId: item.id, teamId: west.id });
    await touch(item.id);
    const next = await delta(seller, first.cursor);
    expect(next.removed).toContain(item.id);
  });

  it("marks an item as removed when it expired after the cursor without any edit", async () => {
    const seller = await sessionUser();
    const item = await makeItem({ expiresAt: new Date(Date.now() + HOUR) });
    const first = await delta(seller);
    expect(ids(first)).toContain(item.id);
    // Expiry is time passing, not an edit: updated_at stays where it was; sync again two hours later.
    const later = new Date(Date.now() + 2 * HOUR);
    const next = await catalogDelta(app.db, { user: seller, since: first.cursor, settleMs: 0, now: later });
    expect(next.removed).toContain(item.id);
  });

  it("does not reveal a draft that changed after the cursor", async () => {
    const seller = await sessionUser();
    const draft = await makeItem({ status: "draft" });
    const first = await delta(seller);
    await touch(draft.id, { title: "Still a draft" });
    const next = await delta(seller, first.cursor);
    expect(next.removed).not.toContain(draft.id);
    expect(ids(next)).not.toContain(draft.id);
  });

  it("does not list a re-published item as removed even though it has a tombstone", async () => {
    const seller = await sessionUser();
    const item = await makeItem();
    const first = await delta(seller);
    await app.db.insert(itemTombstones).values({ itemId: item.id });
    await touch(item.id, { status: "published" });
    const next = await delta(seller, first.cursor);
    expect(ids(next)).toContain(item.id);
    expect(next.removed).not.toContain(item.id);
  });

  it("sends the whole catalog again when the seller moved to another team", async () => {
    const east = await createTeam(app);
    const west = await createTeam(app);
    const eastOnly = await makeItem({ audience: [east.id] });
    const westOnly = await makeItem({ audience: [west.id] });
    const seller = await sessionUser("seller", east.id);
    const first = await delta(seller);
    await app.db.update(users).set({ teamId: west.id }).where(eq(users.id, seller.id));
    const next = await delta({ ...seller, teamId: west.id }, first.cursor);
    expect(next.full).toBe(true);
    expect(ids(next)).toContain(westOnly.id);
    expect(ids(next)).not.toContain(eastOnly.id);
  });

  it("sends an item changed within the settle window again on the next sync", async () => {
    const seller = await sessionUser();
    const item = await makeItem({ updatedAt: new Date() });
    const first = await catalogDelta(app.db, { user: seller, settleMs: 60_000 });
    const next = await catalogDelta(app.db, { user: seller, since: first.cursor, settleMs: 60_000 });
    expect(ids(first)).toContain(item.id);
    expect(ids(next)).toContain(item.id);
  });
});

describe("paging", () => {
  it("pages through a complete catalog with `more`, keeping the complete-catalog flag on every page", async () => {
    const team = await createTeam(app);
    // Another team's audience, so this seller's catalog holds only the five items below plus public ones.
    const mine = await Promise.all(
      Array.from({ length: 5 }, (_, i) => makeItem({ audience: [team.id], updatedAt: new Date(Date.now() - (10 + i) * HOUR) })),
    );
    const seller = await sessionUser("seller", team.id);
    const all = (await delta(seller)).items.length;
    const seen: string[] = [];
    let since: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await delta(seller, since, 2);
      pages++;
      expect(res.full).toBe(true);
      expect(res.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(res));
      since = res.cursor;
      if (!res.more) break;
    }
    expect(new Set(seen).size).toBe(all);
    expect(seen.length).toBe(all);
    expect(pages).toBe(Math.ceil(all / 2));
    for (const m of mine) expect(seen).toContain(m.id);
    // After the last page the device holds a plain delta cursor.
    expect((await delta(seller, since)).full).toBe(false);
  });
});

describe("paging while the library changes", () => {
  it("names an item archived during a complete sync in the delta after it, though a page had listed it", async () => {
    const team = await createTeam(app);
    const mine = await Promise.all(
      Array.from({ length: 5 }, (_, i) => makeItem({ audience: [team.id], updatedAt: new Date(Date.now() - (30 + i) * HOUR) })),
    );
    const seller = await sessionUser("seller", team.id);
    const first = await delta(seller, undefined, 2);
    const gone = ids(first).find((id) => mine.some((m) => m.id === id))!;
    expect(gone).toBeDefined();
    // Archived while the device fetches the next pages: its new row is past the cursor, and not listed.
    await touch(gone, { status: "archived" });
    await app.db.insert(itemTombstones).values({ itemId: gone });
    let since = first.cursor;
    for (let more = first.more; more;) {
      const res = await delta(seller, since, 2);
      expect(ids(res)).not.toContain(gone);
      expect(res.removed).not.toContain(gone);
      ({ cursor: since, more } = res);
    }
    const next = await delta(seller, since);
    expect(next.full).toBe(false);
    expect(next.removed).toContain(gone);
    // Items merely listed again in that delta are upserts on the device; a later delta is quiet.
    expect((await delta(seller, next.cursor)).removed).toEqual([]);
  });
});

describe("a delta of several pages", () => {
  it("names an item archived by a transaction that began before the first page and committed after it", async () => {
    const team = await createTeam(app);
    const held = await makeItem({ audience: [team.id], updatedAt: new Date(Date.now() - 30 * HOUR) });
    const seller = await sessionUser("seller", team.id);
    const settled = (since?: string, limit?: number) => catalogDelta(app.db, { user: seller, since, limit, settleMs: 10_000 });
    const complete = await settled();
    expect(ids(complete)).toContain(held.id);
    // Two edits since, so the delta comes in pages of one, its first cursor at an edit of a moment ago.
    const edited = await Promise.all([makeItem({ audience: [team.id] }), makeItem({ audience: [team.id] })]);
    for (const e of edited) await touch(e.id);
    const first = await settled(complete.cursor, 1);
    expect(first.more).toBe(true);
    // An archive whose transaction began 3 s ago commits now: its rows carry a time behind that cursor.
    await app.db.transaction(async (tx) => {
      await tx
        .update(items)
        .set({ status: "archived", updatedAt: sql`now() - interval '3 seconds'` as unknown as Date })
        .where(eq(items.id, held.id));
      await tx.insert(itemTombstones).values({ itemId: held.id, at: sql`now() - interval '3 seconds'` as unknown as Date });
    });
    const removed = [...first.removed];
    let since = first.cursor;
    for (let more = first.more; more;) {
      const res = await settled(since, 1);
      removed.push(...res.removed);
      ({ cursor: since, more } = res);
    }
    removed.push(...(await settled(since)).removed);
    expect(removed).toContain(held.id);
  });
});

describe("GET /api/v1/sync", () => {
  it("answers with the delta as JSON for a signed-in seller", async () => {
    const seller = await createUser(app, { role: "seller" });
    const item = await makeItem();
    const res = (await syncApi(routeArgs(app, request("/api/v1/sync", { cookie: await cookieFor(app, seller.id) })) as never)) as Response;
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as SyncResponse;
    expect(body.items.map((i) => i.id)).toContain(item.id);
    expect(typeof body.cursor).toBe("string");
  });

  it("answers 401 to a device whose offline store is someone else's than the session's, and as usual to its own", async () => {
    const seller = await createUser(app, { role: "seller" });
    const other = await createUser(app, { role: "seller" });
    const cookie = await cookieFor(app, seller.id);
    const asDevice = (user: string) =>
      syncApi(routeArgs(app, request("/api/v1/sync", { cookie, headers: { "X-Fieldkit-User": user } })) as never) as Promise<Response>;
    const refused = await asDevice(other.id);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Someone else is signed in/);
    expect((await asDevice(seller.id)).status).toBe(200);
    // The outbox's ratings go through the same check.
    const item = await makeItem();
    const rated = await ratingApi(
      routeArgs(
        app,
        request(`/api/v1/items/${item.id}/rating`, {
          method: "PUT",
          cookie,
          json: { useful: true },
          headers: { "X-Fieldkit-User": other.id },
        }),
        { id: item.id },
      ) as never,
    );
    expect(rated.status).toBe(401);
  });

  it("answers 401 in the API error shape without a session", async () => {
    const res = (await syncApi(routeArgs(app, request("/api/v1/sync")) as never)) as Response;
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });

  it("answers 400 with a way out for a cursor that is not one of ours", async () => {
    const seller = await createUser(app, { role: "seller" });
    const cookie = await cookieFor(app, seller.id);
    for (const since of ["garbage", Buffer.from('{"v":1,"t":"x","id":"y","a":"z"}').toString("base64url")]) {
      const res = (await syncApi(routeArgs(app, request(`/api/v1/sync?since=${since}`, { cookie })) as never)) as Response;
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/without `since`/);
    }
  });

  it("answers 400 for a page size over the maximum", async () => {
    const seller = await createUser(app, { role: "seller" });
    const res = (await syncApi(
      routeArgs(app, request("/api/v1/sync?limit=5000", { cookie: await cookieFor(app, seller.id) })) as never,
    )) as Response;
    expect(res.status).toBe(400);
  });
});
