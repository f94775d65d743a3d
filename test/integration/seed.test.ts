import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray, sql } from "drizzle-orm";
import { migrateDb } from "@/db/migrate";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from "~/modules/demo/seed.server";
import { itemAudiences, itemTransitions, itemVersions, items, teams, users } from "@/db/schema";
import { AuditQuery, auditPage } from "~/modules/audit/audit.server";
import { ITEM_TYPES, MESSAGING_TYPES } from "@/vocabulary/library";
import { signIn } from "~/modules/auth/session.server";
import { listItems } from "~/modules/library/items.server";
import { createTestApp, type TestApp } from "../setup/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
  await seedDemo(app.db);
}, 120_000);
afterAll(() => app.close());

describe("demo seed", () => {
  it("creates every demo account with the documented password", async () => {
    for (const account of DEMO_ACCOUNTS) {
      const { user } = await signIn(app.db, { email: account.email, password: DEMO_PASSWORD });
      expect(user.role).toBe(account.role);
    }
  });

  it("has at least 40 items covering every type", async () => {
    const rows = await app.db.select({ type: items.type }).from(items);
    expect(rows.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rows.map((r) => r.type))).toEqual(new Set(ITEM_TYPES));
  });

  it("restricts at least one item to a team the demo seller is not in, and hides it from them", async () => {
    const { user: seller } = await signIn(app.db, { email: "seller@demo.test", password: DEMO_PASSWORD });
    const restricted = await app.db
      .select({ itemId: itemAudiences.itemId, teamId: itemAudiences.teamId })
      .from(itemAudiences)
      .innerJoin(teams, eq(teams.id, itemAudiences.teamId));
    const foreign = restricted.filter((r) => r.teamId !== seller.teamId);
    expect(foreign.length).toBeGreaterThan(0);
    const visible = await listItems(app.db, { user: seller, limit: 200 });
    for (const r of foreign) expect(visible.map((v) => v.id)).not.toContain(r.itemId);
  });

  it("marks battle cards and objection handling not for buyers, and nothing else, so the demo shows the refusal", async () => {
    const rows = await app.db.select({ type: items.type, notForBuyers: items.notForBuyers }).from(items);
    const internal = rows.filter((r) => r.notForBuyers);
    expect(new Set(internal.map((r) => r.type))).toEqual(new Set(["battle_card", "objection_handling"]));
    expect(rows.filter((r) => r.type === "battle_card" || r.type === "objection_handling").every((r) => r.notForBuyers)).toBe(true);
  });

  it("stores messaging as plain text for search and its snippets, and keeps the Markdown for the page", async () => {
    const rows = await app.db
      .select({ text: itemVersions.text, bodyMd: itemVersions.bodyMd })
      .from(itemVersions)
      .innerJoin(items, eq(items.id, itemVersions.itemId))
      .where(inArray(items.type, [...MESSAGING_TYPES]));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => /^#{1,6} |^\s*[-*] |\*\*/m.test(r.bodyMd ?? "")).length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.text).not.toMatch(/^#{1,6} |^\s*[-*] |\*\*|\]\(/m);
      expect(r.text.length).toBeGreaterThan(0);
    }
  });

  it("gives the manager the teams they lead", async () => {
    const { user } = await signIn(app.db, { email: "manager@demo.test", password: DEMO_PASSWORD });
    expect(user.leadsTeamIds.length).toBeGreaterThanOrEqual(2);
  });

  it("gives every item the moves that led to its status, approved by someone other than its submitter", async () => {
    const rows = await app.db
      .select({
        id: items.id,
        status: items.status,
        createdAt: items.createdAt,
        from: itemTransitions.fromStatus,
        to: itemTransitions.toStatus,
        actor: users.email,
        at: itemTransitions.at,
      })
      .from(items)
      .innerJoin(itemTransitions, eq(itemTransitions.itemId, items.id))
      .innerJoin(users, eq(users.id, itemTransitions.actorId))
      .orderBy(items.id, itemTransitions.at);
    const byItem = new Map<string, typeof rows>();
    for (const r of rows) byItem.set(r.id, [...(byItem.get(r.id) ?? []), r]);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["draft", "in_review", "published", "archived"]));
    for (const moves of byItem.values()) {
      // A chain from nothing to the item's status, each move starting where the last one ended.
      expect(moves[0].from).toBeNull();
      expect(moves[0].at).toEqual(moves[0].createdAt);
      moves.slice(1).forEach((m, i) => expect(m.from).toBe(moves[i].to));
      expect(moves.at(-1)!.to).toBe(moves[0].status);
      // Nothing goes live without a review.
      if (moves[0].status === "published") expect(moves.map((m) => m.to)).toEqual(["draft", "in_review", "published"]);
      const submitter = moves.find((m) => m.to === "in_review")?.actor;
      const approver = moves.find((m) => m.to === "published")?.actor;
      if (approver) expect(approver).not.toBe(submitter);
    }
  });

  it("gives the admin an audit log to read: the org's set-up, then the library's moves, newest first", async () => {
    const { user: admin } = await signIn(app.db, { email: "admin@demo.test", password: DEMO_PASSWORD });
    const { entries } = await auditPage(app.db, { actor: admin, query: AuditQuery.parse({}), limit: 1000 });
    const transitions = await app.db.select({ n: sql<number>`count(*)::int` }).from(itemTransitions);
    expect(entries.filter((e) => e.targetType === "item")).toHaveLength(transitions[0].n);
    const actions = new Set(entries.map((e) => e.action));
    for (const action of [
      "team.created",
      "user.created",
      "team.lead_added",
      "item.created",
      "item.submitted",
      "item.published",
      "item.archived",
    ]) {
      expect(actions, action).toContain(action);
    }
    // Newest first by id is also newest first in time: the log reads as a timeline.
    for (let i = 1; i < entries.length; i++) expect(entries[i].at.getTime()).toBeLessThanOrEqual(entries[i - 1].at.getTime());
    expect(entries.at(-1)!.action).toBe("team.created");
    expect(entries.find((e) => e.action === "item.published")!.summary).toBe("in review → published (v1) — “Approved”");
  });

  it("does nothing on a database that already has users", async () => {
    const before = await app.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(await seedDemo(app.db)).toBe(false);
    const after = await app.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(after[0].n).toBe(before[0].n);
  });

  it("replays the migrations cleanly on a database holding the demo data", async () => {
    await expect(migrateDb(app.dbHandle)).resolves.toBeUndefined();
    const [{ n }] = await app.db.select({ n: sql<number>`count(*)::int` }).from(items);
    expect(n).toBeGreaterThanOrEqual(40);
  });
});
