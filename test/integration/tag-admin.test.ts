// Tag management by admins on a real database: rename reaches items and search, merge moves items
// without duplicates and search finds them under the surviving tag, delete refuses used tags, only
// admins may do any of it, and every change is in the audit log.
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as tagAction, loader as tagLoader } from "~/routes/_app.admin.tags";
import { loader as itemApi } from "~/routes/api.v1.items.$id";
import { loader as searchApi } from "~/routes/api.v1.search";
import { auditLog, itemTags, items, searchOutbox, tags } from "@/db/schema";
import { createItem, ensureTag } from "../contract/search-fixtures";
import { cookieFor, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";

let app: TestApp;
let admin: string;
let adminId: string;
let seller: string;
beforeAll(async () => {
  app = await createTestApp();
  const a = await createUser(app, { role: "admin" });
  adminId = a.id;
  admin = await cookieFor(app, a.id);
  seller = await cookieFor(app, (await createUser(app, { role: "seller" })).id);
});
afterAll(() => app.close());

const word = () => `w${randomUUID().replace(/-/g, "").slice(0, 10)}`;
const sync = async () => expect((await app.services.search!.syncNow()).error).toBeUndefined();
const post = (form: Record<string, string>, cookie = admin) =>
  respond(() => tagAction(routeArgs(app, request("/admin/tags", { method: "POST", form, cookie })) as never)) as Promise<any>;
const getJson = async (fn: (args: never) => unknown, path: string, params: Record<string, string> = {}) => {
  const res = (await respond(() => fn(routeArgs(app, request(path, { cookie: seller }), params) as never))) as Response;
  expect(res.status).toBe(200);
  return res.json();
};
const searchIds = async (qs: string) => (await getJson(searchApi, `/api/v1/search?${qs}`)).hits.map((h: { id: string }) => h.id);
const tagIn = async (facet: "industry" | "persona", value: string) =>
  (
    await app.db
      .select({ id: tags.id })
      .from(tags)
      .where(and(eq(tags.facet, facet), eq(tags.value, value)))
  )[0]?.id;
const tagId = async (value: string) => (await app.db.select({ id: tags.id }).from(tags).where(eq(tags.value, value)))[0]?.id;

describe("renaming a tag", () => {
  it("changes the label on items and in search, keeps the key, and bumps the items for offline devices", async () => {
    const [value, title, newLabel] = [word(), word(), `Renamed ${word()}`];
    const id = await createItem(app.db, { title, tags: { product: [value] } });
    await sync();
    const [before] = await app.db.select({ updatedAt: items.updatedAt }).from(items).where(eq(items.id, id));

    const res = await post({ intent: "rename", tagId: await tagId(value), label: newLabel });
    expect(res.ok).toMatch(/Renamed/);

    const item = await getJson(itemApi, `/api/v1/items/${id}`, { id });
    expect(item.tags).toEqual([expect.objectContaining({ facet: "product", value, label: newLabel })]);
    const [after] = await app.db.select({ updatedAt: items.updatedAt }).from(items).where(eq(items.id, id));
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
    await sync();
    expect(await searchIds(`q=${encodeURIComponent(newLabel.split(" ")[1])}`)).toContain(id);
    expect(await searchIds(`q=${title}&tag=product:${value}`)).toEqual([id]);
  });

  it("refuses an empty label with a form message", async () => {
    const value = word();
    await ensureTag(app.db, "region", value);
    const res = await post({ intent: "rename", tagId: await tagId(value), label: "  " });
    expect(res.init.status).toBe(400);
    expect(res.data.formError).toMatch(/label/i);
  });
});

describe("merging tags", () => {
  it("moves every item to the surviving tag once, deletes the old tag, and search finds them by the surviving tag", async () => {
    const [a, b, title] = [word(), word(), word()];
    const onlyA = await createItem(app.db, { title, tags: { industry: [a] } });
    const both = await createItem(app.db, { title, tags: { industry: [a, b] } });
    const onlyB = await createItem(app.db, { title, tags: { industry: [b] } });
    await sync();
    const [fromId, intoId] = [await tagId(a), await tagId(b)];

    const res = await post({ intent: "merge", fromId, intoId });
    expect(res.ok).toMatch(/2 items moved/);

    expect(await tagId(a)).toBeUndefined();
    for (const itemId of [onlyA, both, onlyB]) {
      const rows = await app.db.select().from(itemTags).where(eq(itemTags.itemId, itemId));
      expect(rows).toEqual([{ itemId, tagId: intoId }]);
    }
    await sync();
    expect((await searchIds(`q=${title}&tag=industry:${b}`)).sort()).toEqual([onlyA, both, onlyB].sort());
  });

  it("merges a tag on more items than a statement takes parameters (33,000), re-sending each once", async () => {
    const [a, b] = [word(), word()];
    const [from] = await app.db.insert(tags).values({ facet: "region", value: a, label: a }).returning();
    const [into] = await app.db.insert(tags).values({ facet: "region", value: b, label: b }).returning();
    const n = 33_000;
    // Made in SQL: created one by one through the API this would take minutes. Renaming shares the
    // statement that re-sends the items (one parameter per id broke it past 65,535).
    await app.db.execute(sql`with made as (
        insert into ${items} (type, title, status) select 'one_pager', 'Bulk ' || g, 'draft' from generate_series(1, ${n}) g returning id)
      insert into ${itemTags} (item_id, tag_id) select id, ${from.id}::uuid from made`);
    await app.db.delete(searchOutbox);
    const res = await post({ intent: "merge", fromId: from.id, intoId: into.id });
    expect(res.ok).toMatch(/: 33000 items moved/);
    const [{ carried }] = await app.db
      .select({ carried: sql<number>`count(*)::int` })
      .from(itemTags)
      .where(eq(itemTags.tagId, into.id));
    expect(carried).toBe(n);
    const [{ queued }] = await app.db.select({ queued: sql<number>`count(distinct ${searchOutbox.itemId})::int` }).from(searchOutbox);
    expect(queued).toBe(n);
    await app.db.execute(sql`delete from ${items} where title like 'Bulk %' and status = 'draft'`);
    await app.db.delete(searchOutbox);
  }, 60_000);

  it("refuses to merge across groups or a tag into itself", async () => {
    const [a, b] = [word(), word()];
    await ensureTag(app.db, "persona", a);
    await ensureTag(app.db, "stage", b);
    const across = await post({ intent: "merge", fromId: await tagId(a), intoId: await tagId(b) });
    expect(across.init.status).toBe(422);
    const self = await post({ intent: "merge", fromId: await tagId(a), intoId: await tagId(a) });
    expect(self.init.status).toBe(422);
    expect(await tagId(a)).toBeDefined();
  });

  it("merges into a tag named by its key within the group, as the page's field sends it, and says when no tag has the key", async () => {
    const [a, b] = [word(), word()];
    const item = await createItem(app.db, { title: word(), tags: { industry: [a] } });
    await ensureTag(app.db, "industry", b);
    await ensureTag(app.db, "persona", `${b}-elsewhere`);
    const missing = await post({ intent: "merge", fromId: await tagId(a), intoKey: `${b}-elsewhere` });
    expect([missing.init.status, missing.data.formError]).toEqual([
      422,
      `No tag in this group has the key “${b}-elsewhere”. Pick one from the list.`,
    ]);
    const empty = await post({ intent: "merge", fromId: await tagId(a), intoKey: " " });
    expect(empty.init.status).toBe(400);
    const res = await post({ intent: "merge", fromId: await tagId(a), intoKey: ` ${b.toUpperCase()} ` });
    expect(res.ok).toMatch(/1 item moved/);
    expect(await app.db.select().from(itemTags).where(eq(itemTags.itemId, item))).toEqual([{ itemId: item, tagId: await tagId(b) }]);
  });
});

describe("adding and deleting tags", () => {
  it("adds a tag to a group, refuses a duplicate key, deletes it while unused and refuses while used", async () => {
    const value = word();
    expect((await post({ intent: "create", facet: "region", value, label: "Nordics" })).ok).toMatch(/Added/);
    const duplicate = await post({ intent: "create", facet: "region", value, label: "Again" });
    expect(duplicate.init.status).toBe(409);
    const badKey = await post({ intent: "create", facet: "region", value: "Has Spaces", label: "x" });
    expect(badKey.init.status).toBe(400);

    const id = await tagId(value);
    const itemId = await createItem(app.db, { title: word() });
    await app.db.insert(itemTags).values({ itemId, tagId: id });
    const used = await post({ intent: "delete", tagId: id });
    expect(used.init.status).toBe(409);
    expect(used.data.formError).toMatch(/merge/);

    await app.db.delete(itemTags).where(eq(itemTags.tagId, id));
    expect((await post({ intent: "delete", tagId: id })).ok).toMatch(/Deleted/);
    expect(await tagId(value)).toBeUndefined();
  });

  it("refuses a second tag of the same name in a group, as added or renamed (its name would find neither)", async () => {
    const [one, two] = [word(), word()];
    const label = `Acme ${one}`;
    expect((await post({ intent: "create", facet: "industry", value: one, label })).ok).toMatch(/Added/);
    const again = await post({ intent: "create", facet: "industry", value: two, label: label.toUpperCase() });
    expect([again.init.status, again.data.formError]).toEqual([
      409,
      `Industry already has a tag named “${label.toUpperCase()}” (key “${one}”): merge into it instead.`,
    ]);
    // Another group may use the name; a rename onto a taken name is refused, onto its own name in new case is not.
    expect((await post({ intent: "create", facet: "persona", value: two, label })).ok).toMatch(/Added/);
    expect((await post({ intent: "create", facet: "industry", value: two, label: "Something else" })).ok).toMatch(/Added/);
    expect((await post({ intent: "rename", tagId: await tagIn("industry", two), label })).init.status).toBe(409);
    expect((await post({ intent: "rename", tagId: await tagIn("industry", one), label: label.toLowerCase() })).ok).toBeTruthy();
  });

  it("lists tags by group with item counts, and filters them", async () => {
    const value = word();
    await createItem(app.db, { title: word(), tags: { stage: [value] } });
    const res = await respond(() => tagLoader(routeArgs(app, request(`/admin/tags?q=${value}`, { cookie: admin })) as never));
    const { groups } = res as { groups: { facet: string; tags: { value: string; items: number }[] }[] };
    expect(groups.map((g) => g.facet)).toEqual(["product", "industry", "persona", "stage", "region"]);
    expect(groups.flatMap((g) => g.tags)).toEqual([expect.objectContaining({ value, items: 1 })]);
  });
});

describe("a group of many tags", () => {
  const list = async (qs: string) =>
    (await respond(() => tagLoader(routeArgs(app, request(`/admin/tags?${qs}`, { cookie: admin })) as never))) as {
      groups: { facet: string; tags: { value: string; items: number }[]; matching: number; page: number; pages: number }[];
    };
  const group = async (qs: string, facet: string) => (await list(qs)).groups.find((g) => g.facet === facet)!;

  it("pages each group apart, 50 at a time, and sorts by use", async () => {
    const prefix = word();
    const values = Array.from({ length: 62 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
    await app.db.insert(tags).values(values.map((value) => ({ facet: "industry" as const, value, label: value })));
    // Two in another group, so its page is not this one's.
    await app.db
      .insert(tags)
      .values(["a", "b"].map((v) => ({ facet: "persona" as const, value: `${prefix}-${v}`, label: `${prefix}-${v}` })));
    await createItem(app.db, { title: word(), tags: { industry: [values[40], values[61]] } });
    await createItem(app.db, { title: word(), tags: { industry: [values[61]] } });

    const first = await group(`q=${prefix}`, "industry");
    expect({ matching: first.matching, page: first.page, pages: first.pages, shown: first.tags.length }).toEqual({
      matching: 62,
      page: 1,
      pages: 2,
      shown: 50,
    });
    expect(first.tags.map((t) => t.value)).toEqual(values.slice(0, 50));
    const second = await group(`q=${prefix}&industry-page=2`, "industry");
    expect(second.tags.map((t) => t.value)).toEqual(values.slice(50));
    // The other group stays on its first page; a page past the end shows the last one.
    expect((await group(`q=${prefix}&industry-page=2`, "persona")).tags).toHaveLength(2);
    expect((await group(`q=${prefix}&industry-page=99`, "industry")).page).toBe(2);
    expect((await group(`q=${prefix}&industry-page=-3`, "industry")).page).toBe(1);

    const most = await group(`q=${prefix}&sort=most`, "industry");
    expect(most.tags.slice(0, 3).map((t) => [t.value, t.items])).toEqual([
      [values[61], 2],
      [values[40], 1],
      [values[0], 0],
    ]);
    const fewest = await group(`q=${prefix}&sort=fewest&industry-page=2`, "industry");
    expect(fewest.tags.slice(-2).map((t) => [t.value, t.items])).toEqual([
      [values[40], 1],
      [values[61], 2],
    ]);
    // An unknown order is the default one.
    expect((await group(`q=${prefix}&sort=drop%20table`, "industry")).tags[0].value).toBe(values[0]);
  });
});

describe("who may manage tags", () => {
  it("refuses everyone but admins, on the page and on every action", async () => {
    const value = word();
    await ensureTag(app.db, "product", value);
    const id = await tagId(value);
    for (const role of ["seller", "marketer", "manager"] as const) {
      const cookie = await cookieFor(app, (await createUser(app, { role })).id);
      const page = (await respond(() => tagLoader(routeArgs(app, request("/admin/tags", { cookie })) as never))) as Response;
      expect(page.status).toBe(403);
      const forms: Record<string, string>[] = [
        { intent: "rename", tagId: id, label: "Hijacked" },
        { intent: "delete", tagId: id },
        { intent: "create", facet: "product", value: word(), label: "x" },
      ];
      for (const form of forms) {
        const res = (await post(form, cookie)) as Response;
        expect(res.status).toBe(403);
      }
    }
    const [tag] = await app.db.select().from(tags).where(eq(tags.id, id));
    expect(tag).toMatchObject({ label: value, value });
  });
});

describe("audit", () => {
  it("records create, rename, merge and delete with readable details", async () => {
    const [a, b] = [word(), word()];
    await post({ intent: "create", facet: "product", value: a, label: "Alpha" });
    await post({ intent: "create", facet: "product", value: b, label: "Beta" });
    const [idA, idB] = [await tagId(a), await tagId(b)];
    await post({ intent: "rename", tagId: idA, label: "Alpha One" });
    await post({ intent: "merge", fromId: idA, intoId: idB });
    await post({ intent: "delete", tagId: idB });
    const rows = await app.db
      .select({ action: auditLog.action, targetId: auditLog.targetId, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.actorId, adminId), eq(auditLog.targetType, "tag")));
    const mine = rows.filter((r) => r.targetId === idA || r.targetId === idB);
    expect(mine.map((r) => r.action).sort()).toEqual(["tag.created", "tag.created", "tag.deleted", "tag.merged", "tag.renamed"]);
    expect(mine.find((r) => r.action === "tag.renamed")?.details).toMatchObject({ from: "Alpha", to: "Alpha One", value: a });
    expect(mine.find((r) => r.action === "tag.merged")?.details).toMatchObject({ from: { label: "Alpha One" }, into: { label: "Beta" } });
  });
});
