// A tag group of hundreds of tags (one per customer account) on the metadata forms: the form offers the
// group's most used and the item's own as chips, and any other by its name, typed in "Another tag" and
// found by the server whatever its case, with suggestions as one types.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items, itemTags, tags } from "@/db/schema";
import { CHIPS_PER_GROUP, MOST_USED_SHOWN, publishingChoices, resolveTags } from "~/modules/library/tags-audiences.server";
import { libraryFilterOptions, queryLibrary, TAG_SELECT_MAX } from "~/modules/library/table.server";
import { bulkUpdate } from "~/modules/library/bulk.server";
import { sessionUser } from "../setup/feedback";
import { action as writeMessage } from "~/routes/_app.publish.message";
import { loader as suggestions } from "~/routes/_app.tags";
import { cookieFor, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { createItem } from "../setup/feedback";

let app: TestApp;
const cookies: Record<string, string> = {};
let marketer: ReturnType<typeof sessionUser>;
const ACCOUNTS = 300;
const account = (n: number) => `Account ${String(n).padStart(3, "0")}`;
const idOf: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp();
  for (const role of ["marketer", "seller"] as const) {
    const user = await createUser(app, { role });
    cookies[role] = await cookieFor(app, user.id);
    if (role === "marketer") marketer = sessionUser(user);
  }
  const rows = await app.db
    .insert(tags)
    .values([
      ...Array.from({ length: ACCOUNTS }, (_, i) => ({ facet: "industry" as const, value: `account-${i}`, label: account(i) })),
      // The same name in two groups.
      { facet: "industry" as const, value: "enterprise", label: "Enterprise" },
      { facet: "persona" as const, value: "enterprise", label: "Enterprise" },
      { facet: "stage" as const, value: "big-enterprise", label: "Big enterprise" },
    ])
    .returning();
  for (const r of rows) idOf[`${r.facet}:${r.label}`] = r.id;
  // Account 250 is on three items, account 251 on two: the most used come first.
  for (const [n, times] of [
    [250, 3],
    [251, 2],
  ] as const) {
    for (let i = 0; i < times; i++) {
      const item = await createItem(app, { title: `Tagged ${n}-${i}` });
      await app.db.insert(itemTags).values({ itemId: item.id, tagId: idOf[`industry:${account(n)}`] });
    }
  }
});
afterAll(() => app?.close());

/** The message form posted as a browser without JavaScript would. */
const write = async (form: [string, string][]) =>
  (await respond(() => writeMessage(routeArgs(app, request("/publish/message", { cookie: cookies.marketer, form })) as never))) as Response;

describe("a tag group larger than the form shows", () => {
  it("offers its most used as chips, the item's own too, and counts the rest", async () => {
    const choices = await publishingChoices(app.db);
    const industry = choices.tags.filter((t) => t.facet === "industry");
    expect(industry).toHaveLength(MOST_USED_SHOWN);
    expect(industry.map((t) => t.label)).toEqual(expect.arrayContaining([account(250), account(251)]));
    expect(choices.more.industry).toBe(ACCOUNTS + 1 - MOST_USED_SHOWN);
    // A small group shows every tag, and nothing more to find.
    expect(choices.tags.filter((t) => t.facet === "persona").map((t) => t.label)).toEqual(["Enterprise"]);
    expect(choices.more.persona ?? 0).toBe(0);
    expect(CHIPS_PER_GROUP).toBeLessThan(ACCOUNTS);
    // Editing an item tagged with a rarely used account keeps its tag a ticked chip.
    const own = idOf[`industry:${account(200)}`];
    const editing = await publishingChoices(app.db, { chosen: [own, "not-an-id"] });
    expect(editing.tags.some((t) => t.id === own)).toBe(true);
    expect(editing.more.industry).toBe(ACCOUNTS - MOST_USED_SHOWN);
  });

  it("finds a tag by its name in any case, or by its key, and names what it cannot find", async () => {
    expect(await resolveTags(app.db, ["account 007", "industry:account-8"])).toEqual([
      idOf[`industry:${account(7)}`],
      idOf[`industry:${account(8)}`],
    ]);
    await expect(resolveTags(app.db, ["Account 999"])).rejects.toMatchObject({
      status: 422,
      message: "Unknown tags: Account 999. Tags are managed by admins.",
    });
    await expect(resolveTags(app.db, ["enterprise"])).rejects.toMatchObject({
      status: 422,
      message: "More than one group has a tag named “enterprise” (Industry, Persona): tick the one you mean.",
    });
  });

  it("tags a new message with a name typed in Another tag, from the plain form", async () => {
    const res = await write([
      ["title", "Talk track for Account 123"],
      ["type", "talk_track"],
      ["body", "Open with their renewal."],
      ["tags", idOf[`industry:${account(250)}`]],
      ["tags", "ACCOUNT 123"],
    ]);
    expect(res.status).toBe(302);
    const id = res.headers.get("location")!.split("/").pop()!;
    const tagged = await app.db.select({ tagId: itemTags.tagId }).from(itemTags).where(eq(itemTags.itemId, id));
    expect(tagged.map((t) => t.tagId).sort()).toEqual([idOf[`industry:${account(123)}`], idOf[`industry:${account(250)}`]].sort());
    // Left empty, the field adds nothing and refuses nothing.
    const empty = await write([
      ["title", "Talk track, no account"],
      ["type", "talk_track"],
      ["body", "Hello."],
      ["tags", ""],
    ]);
    expect(empty.status).toBe(302);
    const [made] = await app.db.select({ id: items.id }).from(items).where(eq(items.title, "Talk track, no account"));
    expect(await app.db.select().from(itemTags).where(eq(itemTags.itemId, made.id))).toEqual([]);
  });

  it("suggests names that hold what is typed, those starting with it first, to marketing only", async () => {
    const ask = (q: string, role = "marketer") =>
      respond(() => suggestions(routeArgs(app, request(`/tags?q=${encodeURIComponent(q)}`, { cookie: cookies[role] })) as never));
    const found = (await ((await ask("account 12")) as Response).json()) as { tags: { label: string; group: string }[] };
    expect(found.tags.map((t) => t.label)).toEqual(Array.from({ length: 10 }, (_, i) => account(120 + i)));
    expect(found.tags[0].group).toBe("Industry");
    const first = (await ((await ask("ENTER")) as Response).json()) as { tags: { label: string; group: string }[] };
    expect(first.tags.map((t) => `${t.group}: ${t.label}`)).toEqual([
      "Industry: Enterprise",
      "Persona: Enterprise",
      "Funnel stage: Big enterprise",
    ]);
    // A wildcard typed is a character, and one letter asks for nothing.
    expect(((await ((await ask("%")) as Response).json()) as { tags: unknown[] }).tags).toEqual([]);
    expect(((await ((await ask("a")) as Response).json()) as { tags: unknown[] }).tags).toEqual([]);
    expect(((await ask("acc", "seller")) as Response).status).toBe(403);
  });
});

describe("the library with more tags than a select holds", () => {
  it("offers the tag filter as a name, filters by it in any case, and keeps the name shown", async () => {
    const options = await libraryFilterOptions(app.db, { user: marketer, tag: account(250).toUpperCase() });
    expect(options.tags).toEqual([]);
    expect(options.tagCount).toBeGreaterThan(TAG_SELECT_MAX);
    expect(options.tagLabel).toBe(account(250).toUpperCase());
    const byName = await queryLibrary(app.db, { user: marketer, query: { tag: account(250).toLowerCase() } });
    expect(byName.rows.map((r) => r.title).sort()).toEqual(["Tagged 250-0", "Tagged 250-1", "Tagged 250-2", "Talk track for Account 123"]);
    // A link that names the tag by id shows its name in the field.
    const byId = await libraryFilterOptions(app.db, { user: marketer, tag: idOf[`industry:${account(251)}`] });
    expect(byId.tagLabel).toBe(account(251));
  });

  it("adds a tag named in the bulk bar to the chosen items, and refuses a name it cannot find", async () => {
    const [item] = (await queryLibrary(app.db, { user: marketer, query: { q: "Tagged 251-0" } })).rows;
    const input = { intent: "tag_add" as const, ids: [item.id], all: false, expiresAt: null, ownerId: undefined, confirm: false };
    await bulkUpdate(app, marketer, { ...input, tagId: "account 007" });
    const tagged = await app.db.select({ tagId: itemTags.tagId }).from(itemTags).where(eq(itemTags.itemId, item.id));
    expect(tagged.map((t) => t.tagId)).toContain(idOf[`industry:${account(7)}`]);
    await expect(bulkUpdate(app, marketer, { ...input, tagId: "Account 999" })).rejects.toMatchObject({ status: 422 });
  });
});
