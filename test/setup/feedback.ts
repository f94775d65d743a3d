// Fixtures for the feedback and insights tests: library rows written directly, so these tests do
// not depend on the publishing workflow.
import { randomUUID } from "node:crypto";
import { itemAudiences, itemVersions, items } from "@/db/schema";
import type { AppContext } from "~/modules/context.server";

export async function createItem(
  app: AppContext,
  {
    title = `Item ${randomUUID().slice(0, 8)}`,
    status = "published",
    audiences = [],
    versions = 1,
    publishedAt = new Date(),
    expiresAt = null,
    verifyIntervalDays = null,
    verifiedAt = null,
  }: {
    title?: string;
    status?: "draft" | "in_review" | "published" | "archived";
    audiences?: string[];
    versions?: number;
    publishedAt?: Date;
    expiresAt?: Date | null;
    verifyIntervalDays?: number | null;
    verifiedAt?: Date | null;
  } = {},
) {
  // One transaction: an item committed before its audience would have been visible to everyone for a
  // moment, and its visibility history (decision 019) would say so.
  return app.db.transaction(async (tx) => {
    const [item] = await tx
      .insert(items)
      .values({ type: "one_pager", title, status, publishedAt, expiresAt, verifyIntervalDays, verifiedAt, createdAt: publishedAt })
      .returning();
    const versionRows = versions
      ? await tx
          .insert(itemVersions)
          .values(Array.from({ length: versions }, (_, i) => ({ itemId: item.id, number: i + 1, text: `v${i + 1}` })))
          .returning()
      : [];
    if (audiences.length) await tx.insert(itemAudiences).values(audiences.map((teamId) => ({ itemId: item.id, teamId })));
    return { ...item, versions: versionRows.sort((a, b) => a.number - b.number) };
  });
}

export async function addVersion(app: AppContext, itemId: string, number: number) {
  const [v] = await app.db
    .insert(itemVersions)
    .values({ itemId, number, text: `v${number}` })
    .returning();
  return v;
}

export const event = (type: string, itemId: string, at: Date | string, props?: Record<string, unknown>) => ({
  id: randomUUID(),
  type,
  itemId,
  at: typeof at === "string" ? at : at.toISOString(),
  ...(props ? { props } : {}),
});

/** The SessionUser a signed-in request would carry. */
export const sessionUser = (
  u: { id: string; email: string; name: string; role: "seller" | "marketer" | "manager" | "admin"; teamId: string | null },
  leadsTeamIds: string[] = [],
) => ({ id: u.id, email: u.email, name: u.name, role: u.role, teamId: u.teamId, leadsTeamIds });
