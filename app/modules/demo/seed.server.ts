// The demo seed: accounts for every role, teams with a manager, the tag vocabulary and the demo library.
// Runs only on an empty database and never in production (see app/env.server.ts `demoSeed`).
import { sql } from "drizzle-orm";
import { hashPassword } from "~/modules/auth/password.server";
import { DEMO_ITEMS, DEMO_TAGS } from "@/content/demo/library";
import { demoFile, type DemoFile } from "@/content/demo/library-files";
import { markdownToText } from "@/content/markdown";
import { extractVersion } from "@/content/pipeline";
import { KIND_INFO } from "@/content/sniff";
import type { FileStorage } from "@/content/storage";
import type { FileWork } from "@/content/workers/pool";
import type { Db } from "@/db/client";
import { seedDemoFeedback } from "./feedback.server";
import { demoItemHistory, demoSetupAudit } from "./history.server";
import { auditLog, itemAudiences, itemTags, itemTransitions, itemVersions, items, tags, teamLeads, teams, users } from "@/db/schema";
import { FACETS, MESSAGING_TYPES, type ItemType } from "@/vocabulary/library";
import type { Role } from "@/vocabulary/people";

export const DEMO_PASSWORD = "fieldkit-demo";
export const DEMO_ACCOUNTS: { email: string; name: string; role: Role; team?: string }[] = [
  { email: "seller@demo.test", name: "Sam Seller", role: "seller", team: "Field East" },
  { email: "marketer@demo.test", name: "Mira Marketer", role: "marketer" },
  { email: "manager@demo.test", name: "Max Manager", role: "manager", team: "Field East" },
  { email: "admin@demo.test", name: "Ada Admin", role: "admin" },
];
export const DEMO_TEAMS = [
  { name: "Field East", region: "East" },
  { name: "Field West", region: "West" },
  { name: "Enterprise EMEA", region: "EMEA" },
];
/** Extra sellers so adoption and usage screens have a team to look at. */
const EXTRA_SELLERS = [
  ["Erin East", "Field East"],
  ["Eli East", "Field East"],
  ["Wes West", "Field West"],
  ["Willa West", "Field West"],
  ["Wade West", "Field West"],
  ["Emma EMEA", "Enterprise EMEA"],
  ["Erik EMEA", "Enterprise EMEA"],
] as const;

const isMessaging = (type: string) => (MESSAGING_TYPES as readonly string[]).includes(type);

/**
 * Messaging written for sellers' eyes only: how to beat a rival, how to answer a price objection. The demo
 * marks it "not for buyers" (as migration 0008 did for existing battle cards), so sharing it is refused.
 */
export const DEMO_INTERNAL_TYPES: readonly ItemType[] = ["battle_card", "objection_handling"];

/** Returns false (and does nothing) when the database already has users. */
/**
 * With `storage`, collateral gets real generated files: text is extracted before this returns (so
 * search has it at once) and page previews are left to the job runner.
 */
export async function seedDemo(db: Db, options: { now?: Date; files?: { storage: FileStorage; work: FileWork } } = {}): Promise<boolean> {
  const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  if (count > 0) return false;
  const now = options.now ?? new Date();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const files = new Map<string, DemoFile & { key: string }>();
  if (options.files) {
    for (const demo of DEMO_ITEMS) {
      const file = await demoFile(demo);
      if (file) files.set(demo.key, { ...file, key: (await options.files.storage.putBuffer(file.bytes)).key });
    }
  }
  const versionsToProcess: string[] = [];

  await db.transaction(async (tx) => {
    const teamRows = await tx.insert(teams).values(DEMO_TEAMS).returning();
    const teamId = (name: string) => teamRows.find((t) => t.name === name)!.id;

    const people = [
      ...DEMO_ACCOUNTS.map((a) => ({ email: a.email, name: a.name, role: a.role, teamId: a.team ? teamId(a.team) : null })),
      ...EXTRA_SELLERS.map(([name, team]) => ({
        email: `${name.toLowerCase().replace(/\s+/g, ".")}@demo.test`,
        name,
        role: "seller" as const,
        teamId: teamId(team),
      })),
    ];
    const userRows = await tx
      .insert(users)
      .values(people.map((p) => ({ ...p, passwordHash })))
      .returning();
    const byEmail = (email: string) => userRows.find((u) => u.email === email)!.id;
    const managerId = byEmail("manager@demo.test");
    const adminId = byEmail("admin@demo.test");
    const leads = [
      { userId: managerId, teamId: teamId("Field East") },
      { userId: managerId, teamId: teamId("Field West") },
    ];
    await tx.insert(teamLeads).values(leads);
    const audit = demoSetupAudit({ now, adminId, teams: teamRows, people: userRows, leads });

    const tagRows = await tx
      .insert(tags)
      .values(FACETS.flatMap((facet) => DEMO_TAGS[facet].map(([value, label]) => ({ facet, value, label }))))
      .returning();
    const marketerId = byEmail("marketer@demo.test");

    for (const [index, demo] of DEMO_ITEMS.entries()) {
      const status = demo.status ?? "published";
      // Spread publication over the last 60 days so freshness and "new" lists look real.
      const publishedAt = new Date(now.getTime() - (60 - (index % 60)) * 86_400_000);
      const audience = (demo.audiences ?? []).map((name) => ({ id: teamId(name), name }));
      const past = demoItemHistory(
        { title: demo.title, type: demo.type, status, audience },
        { liveAt: publishedAt, now, marketerId, adminId },
      );
      const [item] = await tx
        .insert(items)
        .values({
          type: demo.type,
          title: demo.title,
          summary: demo.summary,
          status,
          ownerId: marketerId,
          videoUrl: demo.videoUrl ?? null,
          notForBuyers: DEMO_INTERNAL_TYPES.includes(demo.type),
          expiresAt: demo.expiresInDays === undefined ? null : new Date(now.getTime() + demo.expiresInDays * 86_400_000),
          verifyIntervalDays: 90,
          verifiedAt: publishedAt,
          publishedAt: status === "published" || status === "archived" ? publishedAt : null,
          createdAt: past.createdAt,
          updatedAt: publishedAt,
        })
        .returning({ id: items.id });
      const file = files.get(demo.key);
      const [version] = await tx
        .insert(itemVersions)
        .values({
          itemId: item.id,
          number: 1,
          changelog: "First version",
          ...(file
            ? {
                fileKey: file.key,
                contentHash: file.key,
                filename: file.filename,
                mime: KIND_INFO[file.kind].mime,
                size: file.bytes.byteLength,
                previewStatus: "pending" as const,
              }
            : {}),
          bodyMd: isMessaging(demo.type) ? demo.body : null,
          // What search indexes and quotes in its snippets: plain text, as an edit stores it (edit-item.server.ts).
          text: isMessaging(demo.type) ? markdownToText(demo.body) : demo.body.replace(/\f/g, "\n"),
          createdBy: marketerId,
          createdAt: past.createdAt,
        })
        .returning({ id: itemVersions.id });
      if (file) versionsToProcess.push(version.id);
      const tagIds = Object.entries(demo.tags).flatMap(([facet, values]) =>
        (values ?? []).map((v) => tagRows.find((t) => t.facet === facet && t.value === v)!.id),
      );
      if (tagIds.length) await tx.insert(itemTags).values(tagIds.map((tagId) => ({ itemId: item.id, tagId })));
      if (demo.audiences?.length) {
        await tx.insert(itemAudiences).values(demo.audiences.map((t) => ({ itemId: item.id, teamId: teamId(t) })));
      }
      const { transitions, audit: moves } = past.rows(item.id);
      await tx.insert(itemTransitions).values(transitions);
      audit.push(...moves);
    }
    // In the order it happened, so the log's newest-first paging (by id) reads as a timeline.
    await tx.insert(auditLog).values(audit.sort((a, b) => a.at!.getTime() - b.at!.getTime()));
  });
  // Outside the seed transaction: extraction writes through `db` (PGlite has a single connection).
  if (options.files) for (const id of versionsToProcess) await extractVersion(db, options.files.storage, options.files.work, id);
  await seedDemoFeedback(db, { now });
  return true;
}
