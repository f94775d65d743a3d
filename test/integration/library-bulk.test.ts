// The library table's bulk actions through the page's action, as the bulk bar posts them: ticked rows or
// every item of a filtered view; each change recorded per item, and undone exactly where it has an Undo.
import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as libraryAction } from "~/routes/_app.library";
import { rowsOf } from "@/db/client";
import { auditLog, itemTags, itemTombstones, itemTransitions, items, searchOutbox, tags } from "@/db/schema";
import { seedDemo } from "~/modules/demo/seed.server";
import { seedScale } from "~/modules/demo/scale.server";
import { bulkUpdate } from "~/modules/library/bulk.server";
import { updateItem } from "~/modules/library/edit-item.server";
import { createTestApp, demoSignIns, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
let cookie: Record<string, string>;
let id: Record<string, string>;

type Reply = { done?: string; changed?: number; undo?: unknown[] | null; formError?: string };
/** Posts the bulk bar's form to /library (with the view's filters in the address, as the page does). */
async function post(who: string, fields: [string, string][], view = ""): Promise<{ status: number; body: Reply }> {
  const req = request(`/library${view}`, { cookie: cookie[who], body: new URLSearchParams(fields) });
  const res = (await respond(() => libraryAction(routeArgs(app, req) as never))) as any;
  if (res instanceof Response) return { status: res.status, body: {} };
  return res?.init ? { status: res.init.status ?? 200, body: res.data } : { status: 200, body: res };
}
const ticked = (ids: string[]) => ids.map((i) => ["id", i] as [string, string]);
const undoOf = (body: Reply): [string, string][] => [
  ["intent", "undo"],
  ["undo", JSON.stringify(body.undo)],
];
const itemRows = (ids: string[]) =>
  app.db
    .select({
      id: items.id,
      ownerId: items.ownerId,
      expiresAt: items.expiresAt,
      verifiedAt: items.verifiedAt,
      status: items.status,
      revision: items.revision,
    })
    .from(items)
    .where(inArray(items.id, ids))
    .orderBy(items.id);
const audits = (action: string, ids: string[]) =>
  app.db
    .select({ targetId: auditLog.targetId, details: auditLog.details })
    .from(auditLog)
    .where(and(eq(auditLog.action, action), inArray(auditLog.targetId, ids)));
const someItems = async (where: ReturnType<typeof sql>, n: number) =>
  rowsOf<{ id: string }>(await app.db.execute(sql`select id from items where ${where} order by id limit ${n}`)).map((r) => r.id);

beforeAll(async () => {
  app = await createTestApp();
  await seedDemo(app.db);
  await seedScale(app.db, { items: 300, events: 500 });
  ({ id, cookie } = await demoSignIns(app, ["marketer", "manager", "seller", "admin"]));
}, 120_000);
afterAll(() => app.close());

describe("library bulk actions", () => {
  it("marks ticked items re-verified, records it per item, bumps their revision and queues them for search", async () => {
    const ids = await someItems(sql`status = 'published'`, 3);
    const before = await itemRows(ids);
    await app.db.delete(searchOutbox);
    const { status, body } = await post("marketer", [["intent", "verify"], ...ticked(ids)]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ changed: 3, done: "Marked 3 items re-verified today.", undo: null });
    const after = await itemRows(ids);
    for (const [i, row] of after.entries()) {
      expect(Date.now() - row.verifiedAt!.getTime()).toBeLessThan(60_000);
      expect(row.revision).toBe(before[i].revision + 1);
    }
    expect((await audits("item.verified", ids)).length).toBe(3);
    const queued = await app.db.select({ itemId: searchOutbox.itemId }).from(searchOutbox);
    expect(new Set(queued.map((q) => q.itemId))).toEqual(new Set(ids));
  });

  it("sets an expiry date on items that differ, and Undo puts back each item's own date", async () => {
    const ids = await someItems(sql`status = 'draft' and expires_at is null`, 3);
    const dated = new Date("2031-03-04T23:59:59Z");
    await app.db
      .update(items)
      .set({ expiresAt: new Date("2030-01-01T00:00:00Z") })
      .where(eq(items.id, ids[1]));
    await app.db.update(items).set({ expiresAt: dated }).where(eq(items.id, ids[2]));
    const { body } = await post("marketer", [["intent", "expiry"], ["expiresAt", "2031-03-04"], ...ticked(ids)]);
    expect(body.changed).toBe(2);
    expect(body.done).toBe("Set the expiry date to 4 Mar 2031 on 2 items; 1 item was so already.");
    expect((await itemRows(ids)).map((r) => r.expiresAt?.toISOString())).toEqual(ids.map(() => dated.toISOString()));
    const logged = await audits("item.expiry_changed", ids);
    expect(logged.map((a) => (a.details as { from: string | null }).from).sort()).toEqual([null, "2030-01-01T00:00:00.000Z"].sort());
    const undone = await post("marketer", undoOf(body));
    expect(undone.body).toMatchObject({ changed: 2, undo: null });
    const rows = new Map((await itemRows(ids)).map((r) => [r.id, r.expiresAt?.toISOString() ?? null]));
    expect([rows.get(ids[0]), rows.get(ids[1]), rows.get(ids[2])]).toEqual([null, "2030-01-01T00:00:00.000Z", dated.toISOString()]);
  });

  it("leaves an item someone changed after the bulk change as it is when Undo is pressed later, and says so", async () => {
    const ids = await someItems(sql`status = 'draft' and expires_at is null`, 2);
    const { body } = await post("marketer", [["intent", "expiry"], ["expiresAt", "2031-03-04"], ...ticked(ids)]);
    expect(body.changed).toBe(2);
    // Another marketer sets the first item's date by hand, through the edit form's optimistic lock.
    const [first] = await itemRows([ids[0]]);
    const admin = { id: id.admin, email: "admin@demo.test", name: "Admin", role: "admin" as const, teamId: null, leadsTeamIds: [] };
    await updateItem(app, admin, ids[0], { revision: first.revision, expiresAt: new Date("2033-06-30T00:00:00Z") } as never);
    const undone = await post("marketer", undoOf(body));
    expect(undone.body).toMatchObject({ changed: 1, done: "Undone: 1 item changed back; 1 item changed since or gone was left as it is." });
    const rows = new Map((await itemRows(ids)).map((r) => [r.id, r.expiresAt?.toISOString() ?? null]));
    expect([rows.get(ids[0]), rows.get(ids[1])]).toEqual(["2033-06-30T00:00:00.000Z", null]);

    // A hand-made step naming no item there is changes nothing, and says so, instead of a 500.
    const [tag] = await app.db.select({ id: tags.id }).from(tags).limit(1);
    const nobody = [{ intent: "tag_add", value: tag.id, ids: ["9f0c0000-0000-4000-8000-00000000dead"] }];
    const empty = await post("marketer", [
      ["intent", "undo"],
      ["undo", JSON.stringify(nobody)],
    ]);
    expect(empty).toMatchObject({ status: 200, body: { changed: 0 } });
  });

  it("refuses a date in the past, an action without its value, an unconfirmed archive and nothing ticked, with a message", async () => {
    const ids = await someItems(sql`status = 'draft'`, 2);
    const cases: [string, [string, string][], RegExp][] = [
      ["past date", [["intent", "expiry"], ["expiresAt", "2001-01-01"], ...ticked(ids)], /in the future/],
      ["no owner", [["intent", "owner"], ...ticked(ids)], /new owner/],
      ["no tag", [["intent", "tag_add"], ...ticked(ids)], /Choose a tag/],
      ["not confirmed", [["intent", "archive"], ...ticked(ids)], /Yes, archive them/],
      ["nothing ticked", [["intent", "verify"]], /Select at least one item/],
      ["no action", ticked(ids), /Choose what to do/],
      [
        "not an id",
        [
          ["intent", "verify"],
          ["id", "'; drop table items; --"],
        ],
        /Choose items from the table/,
      ],
      [
        "a seller as owner",
        [["intent", "owner"], ["ownerId", "00000000-0000-4000-8000-000000000000"], ...ticked(ids)],
        /active marketer or admin/,
      ],
    ];
    const before = await itemRows(ids);
    for (const [name, fields, message] of cases) {
      const { status, body } = await post("marketer", fields);
      expect([name, status]).toEqual([name, expect.toBeOneOf([400, 422])]);
      expect(body.formError, name).toMatch(message);
    }
    expect(await itemRows(ids)).toEqual(before);
  });

  it("hands every item of a filtered view over to another owner, across pages, and Undo hands each back", async () => {
    const [from] = rowsOf<{ owner_id: string; n: number }>(
      await app.db.execute(sql`select owner_id, count(*)::int as n from items where owner_id is not null and owner_id <> ${id.admin}
        group by owner_id having count(*) > 50 order by count(*) desc limit 1`),
    );
    expect(from.n).toBeGreaterThan(50); // more than the table's page: "every item in this view" is not this page
    const theirs = rowsOf<{ id: string }>(await app.db.execute(sql`select id from items where owner_id = ${from.owner_id}`)).map(
      (r) => r.id,
    );
    const { body } = await post(
      "marketer",
      [
        ["intent", "owner"],
        ["ownerId", id.admin],
        ["all", "1"],
      ],
      `?owner=${from.owner_id}&page=2`,
    );
    expect(body.changed).toBe(from.n);
    expect(body.done).toMatch(new RegExp(`^Handed ${from.n} items over to `));
    expect(new Set((await itemRows(theirs)).map((r) => r.ownerId))).toEqual(new Set([id.admin]));
    const logged = await audits("item.owner_changed", theirs);
    expect(logged).toHaveLength(from.n);
    expect(logged[0].details).toMatchObject({ from: { id: from.owner_id }, to: { id: id.admin } });
    await post("marketer", undoOf(body));
    expect(new Set((await itemRows(theirs)).map((r) => r.ownerId))).toEqual(new Set([from.owner_id]));
  });

  it("refuses a whole view larger than the limit, and changes nothing", async () => {
    const drafts = rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from items where status = 'draft'`))[0].n;
    const input = { intent: "verify" as const, ids: [], all: true, expiresAt: null, ownerId: undefined, tagId: undefined, confirm: false };
    const user = { id: id.marketer, email: "", name: "", role: "marketer" as const, teamId: null, leadsTeamIds: [] };
    const verified = async () =>
      (
        await app.db
          .select({ n: sql<number>`count(*)::int` })
          .from(auditLog)
          .where(eq(auditLog.action, "item.verified"))
      )[0].n;
    const before = await verified();
    await expect(bulkUpdate(app, user, input, { status: "draft" }, { max: drafts - 1 })).rejects.toThrow(/more than/);
    expect(await verified()).toBe(before);
    const ok = await bulkUpdate(app, user, input, { status: "draft" }, { max: drafts });
    expect(ok.changed).toBe(drafts);
    expect(await verified()).toBe(before + drafts);
  });

  it("adds a tag only where it is missing, and Undo removes it only there", async () => {
    const [tag] = await app.db.select({ id: tags.id, label: tags.label }).from(tags).limit(1);
    const ids = await someItems(sql`true`, 5);
    await app.db.delete(itemTags).where(and(eq(itemTags.tagId, tag.id), inArray(itemTags.itemId, ids)));
    await app.db.insert(itemTags).values(ids.slice(0, 2).map((itemId) => ({ itemId, tagId: tag.id })));
    const { body } = await post("marketer", [["intent", "tag_add"], ["tagId", tag.id], ...ticked(ids)]);
    expect(body.done).toBe(`Added “${tag.label}” to 3 items; 2 items were tagged already.`);
    const tagged = async () =>
      (
        await app.db
          .select({ itemId: itemTags.itemId })
          .from(itemTags)
          .where(and(eq(itemTags.tagId, tag.id), inArray(itemTags.itemId, ids)))
      )
        .map((r) => r.itemId)
        .sort();
    expect(await tagged()).toEqual([...ids].sort());
    await post("marketer", undoOf(body));
    expect(await tagged()).toEqual(ids.slice(0, 2).sort());
    const removed = await post("marketer", [["intent", "tag_remove"], ["tagId", tag.id], ...ticked(ids)]);
    expect(removed.body.changed).toBe(2);
    expect(await tagged()).toEqual([]);
  });

  it("archives with confirmation: history, audit and a tombstone for what sellers had, and no undo", async () => {
    const published = await someItems(sql`status = 'published'`, 2);
    const draft = await someItems(sql`status = 'draft'`, 1);
    const archived = await someItems(sql`status = 'archived'`, 1);
    const ids = [...published, ...draft, ...archived];
    const startedAt = new Date(Date.now() - 1000);
    const { body } = await post("marketer", [["intent", "archive"], ["confirm", "yes"], ...ticked(ids)]);
    expect(body).toMatchObject({ changed: 3, undo: null });
    expect(body.done).toMatch(/^Archived 3 items; 1 item was archived already/);
    expect(new Set((await itemRows(ids)).map((r) => r.status))).toEqual(new Set(["archived"]));
    const moves = await app.db
      .select({ itemId: itemTransitions.itemId, from: itemTransitions.fromStatus })
      .from(itemTransitions)
      .where(and(eq(itemTransitions.toStatus, "archived"), inArray(itemTransitions.itemId, ids), gte(itemTransitions.at, startedAt)));
    expect(moves.map((m) => m.itemId).sort()).toEqual([...published, ...draft].sort());
    expect(
      (await audits("item.archived", ids)).filter((a) => (a.details as { to?: string }).to === "archived").length,
    ).toBeGreaterThanOrEqual(3);
    expect((await audits("item.archived", [...published, ...draft])).length).toBe(3);
    const stones = await app.db
      .select({ itemId: itemTombstones.itemId })
      .from(itemTombstones)
      .where(inArray(itemTombstones.itemId, published));
    expect(stones).toHaveLength(2);
  });

  it("is for marketing only: a seller and a manager are refused and nothing changes; a bad undo is a message", async () => {
    const ids = await someItems(sql`status = 'published'`, 1);
    const before = await itemRows(ids);
    for (const who of ["seller", "manager"]) {
      const { status } = await post(who, [["intent", "archive"], ["confirm", "yes"], ...ticked(ids)]);
      expect(status).toBe(403);
    }
    expect(await itemRows(ids)).toEqual(before);
    const edited = [
      { intent: "owner", value: null, ids },
      { intent: "tag_add", value: "x", ids },
      { intent: "tag_remove", value: "------------------------------------", ids },
      { intent: "expiry", value: "garbage", ids },
    ].map((step) => JSON.stringify([step]));
    for (const undo of ["{", "[]", JSON.stringify([{ intent: "archive", value: null, ids }]), ...edited]) {
      const { status, body } = await post("admin", [
        ["intent", "undo"],
        ["undo", undo],
      ]);
      expect(status).toBe(400);
      expect(body.formError).toBeTruthy();
    }
    expect(await itemRows(ids)).toEqual(before);
    const other = await createUser(app, { role: "seller" });
    const { body } = await post("admin", [["intent", "owner"], ["ownerId", other.id], ...ticked(ids)]);
    expect(body.formError).toMatch(/active marketer or admin/);
  });
});
