// The audit trail of the library (issue #7): every move in the workflow, audience and expiry
// changes, new versions, and the system's own moves (scheduled publishing, expiry), each written in
// the transaction of the change it describes; read by admins on the audit page and in the CSV.
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loader as auditLoader } from "~/routes/_app.admin.audit";
import { loader as csvLoader } from "~/routes/admin.audit[.]csv";
import { action as createApi } from "~/routes/api.v1.items";
import { action as patchApi, loader as itemApi } from "~/routes/api.v1.items.$id";
import { action as transitionApi } from "~/routes/api.v1.items.$id.transition";
import { action as versionsApi } from "~/routes/api.v1.items.$id.versions";
import { expireItems, publishDueItems } from "~/modules/library/lifecycle.server";
import { AUDIT_COLUMNS, auditBatches } from "~/modules/audit/audit.server";
import { csvStream } from "~/modules/csv.server";
import { makeMp4Header } from "@/content/demo/files";
import { auditLog, itemTransitions, items } from "@/db/schema";
import { createTeam, createTestApp, createUser, cookieFor, request, respond, routeArgs, type TestApp } from "../setup/app";
import { multipartRequest, withPublishing } from "../setup/publishing";
import { formatDate } from "@/vocabulary/dates";

let app: TestApp;
type Person = { id: string; email: string; cookie: string };
let author: Person;
let reviewer: Person;
let admin: Person;
let east: { id: string; name: string };
let west: { id: string; name: string };

const person = async (role: "marketer" | "admin" | "seller") => {
  const u = await createUser(app, { role });
  return { id: u.id, email: u.email, cookie: await cookieFor(app, u.id) };
};

beforeAll(async () => {
  app = await createTestApp();
  withPublishing(app);
  author = await person("marketer");
  reviewer = await person("marketer");
  admin = await person("admin");
  // Named so that alphabetical order (the order the log lists them in) is East, West.
  const a = await createTeam(app, `East ${crypto.randomUUID().slice(0, 6)}`);
  const b = await createTeam(app, `West ${crypto.randomUUID().slice(0, 6)}`);
  east = { id: a.id, name: a.name };
  west = { id: b.id, name: b.name };
});
afterAll(() => app.close());

const json = async (res: Response) => (await res.json()) as any;

async function message(extra: Record<string, unknown> = {}, cookie = author.cookie) {
  const res = await createApi(
    routeArgs(
      app,
      request("/api/v1/items", { cookie, json: { type: "battle_card", title: "Atlas vs Acme", body: "We win **offline**.", ...extra } }),
    ) as never,
  );
  expect(res.status).toBe(201);
  return json(res);
}
const move = (id: string, body: Record<string, unknown>, cookie: string) =>
  transitionApi(
    routeArgs(app, request(`/api/v1/items/${id}/transition`, { method: "POST", json: body, cookie }), { id }) as never,
  ) as Promise<Response>;
const patch = async (id: string, body: Record<string, unknown>, cookie = author.cookie) => {
  const current = await json(await itemApi(routeArgs(app, request(`/api/v1/items/${id}`, { cookie }), { id }) as never));
  return patchApi(
    routeArgs(app, request(`/api/v1/items/${id}`, { method: "PATCH", json: { revision: current.revision, ...body }, cookie }), {
      id,
    }) as never,
  ) as Promise<Response>;
};
const statusOf = async (id: string) => (await app.db.select({ s: items.status }).from(items).where(eq(items.id, id)))[0].s;

/** The audit rows for one item, oldest first, as (action, actor, details). */
async function trail(itemId: string) {
  const rows = await app.db
    .select({ action: auditLog.action, actorId: auditLog.actorId, targetType: auditLog.targetType, details: auditLog.details })
    .from(auditLog)
    .where(eq(auditLog.targetId, itemId))
    .orderBy(asc(auditLog.id));
  for (const r of rows) expect(r.targetType).toBe("item");
  return rows.map(({ action, actorId, details }) => ({ action, actorId, details }));
}

const created = (title: string, extra: Record<string, unknown> = {}) => ({
  action: "item.created",
  actorId: author.id,
  details: { title, type: "battle_card", from: null, to: "draft", version: 1, audience: [], ...extra },
});

describe("publishing moves", () => {
  it("records each move with who made it, from → to, the version and the comment", async () => {
    const item = await message({ audiences: [west.id, east.id] });
    expect((await move(item.id, { to: "in_review" }, author.cookie)).status).toBe(200);
    expect((await move(item.id, { to: "draft", comment: "Name the competitor's pricing" }, reviewer.cookie)).status).toBe(200);
    expect((await move(item.id, { to: "in_review" }, author.cookie)).status).toBe(200);
    expect((await move(item.id, { to: "draft" }, author.cookie)).status).toBe(200);
    expect((await move(item.id, { to: "in_review" }, author.cookie)).status).toBe(200);
    expect((await move(item.id, { to: "published", comment: "Checked with legal" }, reviewer.cookie)).status).toBe(200);
    expect((await move(item.id, { to: "draft" }, author.cookie)).status).toBe(200);
    expect((await move(item.id, { to: "archived" }, admin.cookie)).status).toBe(200);
    expect((await move(item.id, { to: "draft" }, author.cookie)).status).toBe(200);

    const t = "Atlas vs Acme";
    expect(await trail(item.id)).toEqual([
      created(t, { audience: [east, west] }),
      { action: "item.submitted", actorId: author.id, details: { title: t, from: "draft", to: "in_review", version: 1 } },
      {
        action: "item.rejected",
        actorId: reviewer.id,
        details: { title: t, from: "in_review", to: "draft", version: 1, comment: "Name the competitor's pricing" },
      },
      { action: "item.submitted", actorId: author.id, details: { title: t, from: "draft", to: "in_review", version: 1 } },
      { action: "item.withdrawn", actorId: author.id, details: { title: t, from: "in_review", to: "draft", version: 1 } },
      { action: "item.submitted", actorId: author.id, details: { title: t, from: "draft", to: "in_review", version: 1 } },
      {
        action: "item.published",
        actorId: reviewer.id,
        details: { title: t, from: "in_review", to: "published", version: 1, comment: "Checked with legal" },
      },
      { action: "item.unpublished", actorId: author.id, details: { title: t, from: "published", to: "draft", version: 1 } },
      { action: "item.archived", actorId: admin.id, details: { title: t, from: "draft", to: "archived", version: 1 } },
      { action: "item.restored", actorId: author.id, details: { title: t, from: "archived", to: "draft", version: 1 } },
    ]);
  });

  it("writes nothing for a move that is refused", async () => {
    const item = await message();
    await move(item.id, { to: "in_review" }, author.cookie);
    expect((await move(item.id, { to: "published" }, author.cookie)).status).toBe(403);
    expect((await move(item.id, { to: "draft" }, reviewer.cookie)).status).toBe(422);
    expect((await trail(item.id)).map((r) => r.action)).toEqual(["item.created", "item.submitted"]);
  });

  it("records a scheduled approval by the reviewer and the publish itself by the system", async () => {
    const item = await message({ title: "Launch card" });
    await move(item.id, { to: "in_review" }, author.cookie);
    const at = new Date(Date.now() + 3_600_000);
    expect((await move(item.id, { to: "published", publishAt: at.toISOString() }, reviewer.cookie)).status).toBe(200);
    expect(await publishDueItems(app.db, new Date(at.getTime() + 1000))).toBe(1);

    expect((await trail(item.id)).slice(2)).toEqual([
      {
        action: "item.scheduled",
        actorId: reviewer.id,
        details: { title: "Launch card", from: "in_review", to: "scheduled", version: 1, publishAt: at.toISOString() },
      },
      {
        action: "item.published",
        actorId: null,
        details: {
          title: "Launch card",
          from: "in_review",
          to: "published",
          version: 1,
          comment: "Published as scheduled",
          publishAt: at.toISOString(),
        },
      },
    ]);
  });

  it("sends an approved, scheduled item back to review when its content changes before the date", async () => {
    const item = await message({ title: "Scheduled then edited" });
    await move(item.id, { to: "in_review" }, author.cookie);
    const at = new Date(Date.now() + 3_600_000);
    expect((await move(item.id, { to: "published", publishAt: at.toISOString() }, reviewer.cookie)).status).toBe(200);
    // The reviewer read "We win offline"; the author then changes the message.
    expect((await patch(item.id, { body: "We win **everywhere**, guaranteed." })).status).toBe(200);
    const [row] = await app.db.select({ status: items.status, publishAt: items.publishAt }).from(items).where(eq(items.id, item.id));
    expect(row).toEqual({ status: "in_review", publishAt: null });
    expect(await publishDueItems(app.db, new Date(at.getTime() + 1000))).toBe(0);
    expect(await statusOf(item.id)).toBe("in_review");
    // A change to the details alone keeps the approval.
    await move(item.id, { to: "published", publishAt: at.toISOString() }, reviewer.cookie);
    expect((await patch(item.id, { summary: "For the launch" })).status).toBe(200);
    expect(await publishDueItems(app.db, new Date(at.getTime() + 1000))).toBe(1);
  });

  it("records expiry as the system archiving the item", async () => {
    const item = await message({ title: "Old promo" });
    await move(item.id, { to: "in_review" }, author.cookie);
    await move(item.id, { to: "published" }, reviewer.cookie);
    const past = new Date(Date.now() - 1000);
    await app.db.update(items).set({ expiresAt: past }).where(eq(items.id, item.id));
    expect(await expireItems(app.db)).toBeGreaterThanOrEqual(1);

    expect((await trail(item.id)).at(-1)).toEqual({
      action: "item.expired",
      actorId: null,
      details: { title: "Old promo", from: "published", to: "archived", version: 1, comment: `Expired on ${formatDate(past)}` },
    });
  });
});

describe("audience, expiry and versions", () => {
  it("records audience changes before → after, and nothing when the same teams are saved again", async () => {
    const item = await message({ title: "Regional pricing" });
    expect((await patch(item.id, { audiences: [west.id, east.id] })).status).toBe(200);
    expect((await patch(item.id, { audiences: [east.id, west.id], summary: "Same teams, new order" })).status).toBe(200);
    expect((await patch(item.id, { audiences: [west.id] }, admin.cookie)).status).toBe(200);
    expect((await patch(item.id, { audiences: [] })).status).toBe(200);

    expect((await trail(item.id)).slice(1)).toEqual([
      { action: "item.audience_changed", actorId: author.id, details: { title: "Regional pricing", from: [], to: [east, west] } },
      { action: "item.audience_changed", actorId: admin.id, details: { title: "Regional pricing", from: [east, west], to: [west] } },
      { action: "item.audience_changed", actorId: author.id, details: { title: "Regional pricing", from: [west], to: [] } },
    ]);
  });

  it("records expiry date changes and leaves other edits out", async () => {
    const item = await message({ title: "Q3 offer" });
    expect((await patch(item.id, { expiresAt: "2030-06-30", title: "Q3 offer (EMEA)" })).status).toBe(200);
    expect((await patch(item.id, { summary: "Only the summary" })).status).toBe(200);
    expect((await patch(item.id, { expiresAt: null })).status).toBe(200);

    expect((await trail(item.id)).slice(1)).toEqual([
      {
        action: "item.expiry_changed",
        actorId: author.id,
        details: { title: "Q3 offer (EMEA)", from: null, to: "2030-06-30T23:59:59.000Z" },
      },
      {
        action: "item.expiry_changed",
        actorId: author.id,
        details: { title: "Q3 offer (EMEA)", from: "2030-06-30T23:59:59.000Z", to: null },
      },
    ]);
  });

  it("records a new version of a message and of an uploaded file", async () => {
    const card = await message({ title: "Talk track" });
    expect((await patch(card.id, { body: "We win **offline** and on price.", changelog: "Added price" })).status).toBe(200);
    expect((await trail(card.id)).slice(1)).toEqual([
      { action: "item.version_added", actorId: author.id, details: { title: "Talk track", version: 2, changelog: "Added price" } },
    ]);

    const upload = (bytes: Uint8Array, filename: string, fields: Record<string, string> = {}) =>
      multipartRequest("/api/v1/items", { cookie: author.cookie, files: [{ filename, bytes }], fields });
    const res = await createApi(routeArgs(app, upload(makeMp4Header(), "demo.mp4", { title: "Demo video" })) as never);
    expect(res.status).toBe(201);
    const video = await json(res);
    const v2 = new Uint8Array([...makeMp4Header(), 1, 2, 3]);
    const added = await versionsApi(
      routeArgs(
        app,
        multipartRequest(`/api/v1/items/${video.id}/versions`, {
          cookie: author.cookie,
          files: [{ filename: "demo-v2.mp4", bytes: v2 }],
          fields: { changelog: "Shorter intro" },
        }),
        {
          id: video.id,
        },
      ) as never,
    );
    expect(added.status).toBe(201);
    expect(await trail(video.id)).toEqual([
      {
        action: "item.created",
        actorId: author.id,
        details: { title: "Demo video", type: "video", from: null, to: "draft", version: 1, filename: "demo.mp4", audience: [] },
      },
      {
        action: "item.version_added",
        actorId: author.id,
        details: { title: "Demo video", version: 2, filename: "demo-v2.mp4", changelog: "Shorter intro" },
      },
    ]);
  });
});

describe("one transaction with the change", () => {
  /** Makes every insert into `table` for this item fail, the way a constraint or a crash would. */
  async function failInserts(table: "search_outbox" | "audit_log", itemId: string) {
    const column = table === "audit_log" ? "target_id" : "item_id::text";
    await app.db.execute(
      sql.raw(`create or replace function fieldkit_test_fail() returns trigger language plpgsql as $$
        begin
          if new.${column} = '${itemId}' then raise exception 'injected failure'; end if;
          return new;
        end $$`),
    );
    await app.db.execute(
      sql.raw(`create trigger fieldkit_test_fail before insert on ${table} for each row execute function fieldkit_test_fail()`),
    );
    // The API logs the failure it answers 500 for: it must be this one, not some other fault.
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    return async () => {
      await app.db.execute(sql.raw(`drop trigger fieldkit_test_fail on ${table}`));
      await app.db.execute(sql.raw(`drop function fieldkit_test_fail()`));
      for (const [error] of logged.mock.calls) expect(String((error as Error)?.cause ?? error)).toMatch(/injected failure/);
      logged.mockRestore();
    };
  }
  const transitions = async (id: string) => (await app.db.select().from(itemTransitions).where(eq(itemTransitions.itemId, id))).length;

  it("leaves no audit row when the change fails after the audit write", async () => {
    const item = await message();
    // The search outbox is written last in every library transaction, after the audit row.
    const restore = await failInserts("search_outbox", item.id);
    try {
      expect((await move(item.id, { to: "in_review" }, author.cookie)).status).toBe(500);
      expect((await patch(item.id, { audiences: [east.id] })).status).toBe(500);
    } finally {
      await restore();
    }
    expect(await statusOf(item.id)).toBe("draft");
    expect(await transitions(item.id)).toBe(1);
    expect((await trail(item.id)).map((r) => r.action)).toEqual(["item.created"]);
  });

  it("makes no change when its audit row cannot be written", async () => {
    const item = await message();
    await move(item.id, { to: "in_review" }, author.cookie);
    const restore = await failInserts("audit_log", item.id);
    try {
      expect((await move(item.id, { to: "published" }, reviewer.cookie)).status).toBe(500);
    } finally {
      await restore();
    }
    expect(await statusOf(item.id)).toBe("in_review");
    expect(await transitions(item.id)).toBe(2);
  });

  it("rolls back a system sweep whose audit rows cannot be written", async () => {
    const item = await message();
    await move(item.id, { to: "in_review" }, author.cookie);
    await move(item.id, { to: "published" }, reviewer.cookie);
    await app.db
      .update(items)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(items.id, item.id));
    const restore = await failInserts("audit_log", item.id);
    try {
      await expect(expireItems(app.db)).rejects.toThrow();
    } finally {
      await restore();
    }
    expect(await statusOf(item.id)).toBe("published");
    expect(await expireItems(app.db)).toBeGreaterThanOrEqual(1);
    expect((await trail(item.id)).map((r) => r.action)).toEqual(["item.created", "item.submitted", "item.published", "item.expired"]);
  });
});

describe("the admin audit page and CSV", () => {
  it("shows an item's history readably with a link to it, filtered by item, kind and actor", async () => {
    const item = await message({ title: "Objection: price", audiences: [east.id] });
    await move(item.id, { to: "in_review" }, author.cookie);
    await move(item.id, { to: "published", comment: "Good" }, reviewer.cookie);

    const page = (await auditLoader(routeArgs(app, request(`/admin/audit?target=${item.id}`, { cookie: admin.cookie })) as never)) as any;
    expect(page.entries.map((e: any) => [e.actor, e.action, e.itemTitle, e.summary])).toEqual([
      [reviewer.email, "item.published", "Objection: price", "in review → published (v1) — “Good”"],
      [author.email, "item.submitted", "Objection: price", "draft → in review (v1)"],
      [author.email, "item.created", "Objection: price", `Created as a draft (v1); audience: ${east.name}`],
    ]);

    const byReviewer = (await auditLoader(
      routeArgs(
        app,
        request(`/admin/audit?kind=item&actor=${encodeURIComponent(reviewer.email.toUpperCase())}`, { cookie: admin.cookie }),
      ) as never,
    )) as any;
    expect(byReviewer.entries.length).toBeGreaterThan(0);
    for (const e of byReviewer.entries) expect([e.actor, e.targetType]).toEqual([reviewer.email, "item"]);
  });

  it("lists the system's moves under 'system' on the page and in the CSV", async () => {
    const item = await message({ title: "Expiring sheet" });
    await move(item.id, { to: "in_review" }, author.cookie);
    await move(item.id, { to: "published" }, reviewer.cookie);
    await app.db
      .update(items)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(items.id, item.id));
    await expireItems(app.db);

    const page = (await auditLoader(
      routeArgs(app, request(`/admin/audit?actor=system&target=${item.id}`, { cookie: admin.cookie })) as never,
    )) as any;
    expect(page.entries.map((e: any) => [e.actor, e.action, e.summary])).toEqual([
      ["system", "item.expired", expect.stringMatching(/^published → archived \(v1\) — “Expired on \d{1,2} [A-Z][a-z]{2} \d{4}”$/)],
    ]);

    const csv = (await csvLoader(
      routeArgs(app, request(`/admin/audit.csv?target=${item.id}`, { cookie: admin.cookie })) as never,
    )) as Response;
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("When,Who,Action,Target type,Target,Details");
    expect(lines.slice(1).map((l) => l.split(",").slice(1, 5).join(","))).toEqual([
      `system,item.expired,item,${item.id}`,
      `${reviewer.email},item.published,item,${item.id}`,
      `${author.email},item.submitted,item,${item.id}`,
      `${author.email},item.created,item,${item.id}`,
    ]);
    expect(lines[1]).toContain('""title"":""Expiring sheet""');
  });

  it("pages through a long log 100 entries at a time, newest first, and the CSV holds it all from any page", async () => {
    const target = `paging-${Date.now()}`;
    await app.db
      .insert(auditLog)
      .values(
        Array.from({ length: 230 }, (_, i) => ({ action: "user.role_changed", targetType: "user", targetId: target, details: { n: i } })),
      );
    const seen: number[] = [];
    let before: number | null = null;
    let pages = 0;
    let secondPage: number | null = null;
    do {
      const page: any = await auditLoader(
        routeArgs(app, request(`/admin/audit?target=${target}${before ? `&before=${before}` : ""}`, { cookie: admin.cookie })) as never,
      );
      expect(page.entries.length).toBeLessThanOrEqual(100);
      expect(page.csvHref).toBe(`/admin/audit.csv?target=${target}`);
      seen.push(...page.entries.map((e: any) => e.details.n));
      before = page.next;
      secondPage ??= before;
      pages++;
    } while (before !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 230 }, (_, i) => 229 - i));
    const csv = (await csvLoader(
      routeArgs(app, request(`/admin/audit.csv?target=${target}&before=${secondPage}`, { cookie: admin.cookie })) as never,
    )) as Response;
    expect((await csv.text()).trim().split("\r\n")).toHaveLength(231);
    // Read a batch at a time (it stopped at 100,000 entries, silently): 230 entries in batches of 100.
    const actor = { id: admin.id, email: admin.email, name: "Admin", role: "admin" as const, teamId: null, leadsTeamIds: [] };
    const batches = await auditBatches(app.db, { actor, query: { target }, pageSize: 100 });
    const text = await new Response(csvStream(AUDIT_COLUMNS, batches)).text();
    const rows = text.trim().split("\r\n").slice(1);
    expect(rows.map((r) => Number(/""n"":(\d+)/.exec(r)![1]))).toEqual(Array.from({ length: 230 }, (_, i) => 229 - i));
  });

  it("is for admins only", async () => {
    for (const cookie of [author.cookie, (await person("seller")).cookie]) {
      expect(
        ((await respond(() => auditLoader(routeArgs(app, request("/admin/audit?kind=item", { cookie })) as never))) as Response).status,
      ).toBe(403);
      expect(
        ((await respond(() => csvLoader(routeArgs(app, request("/admin/audit.csv?kind=item", { cookie })) as never))) as Response).status,
      ).toBe(403);
    }
  });
});
