// Library rows for the search contract, written straight into the library tables (as publishing
// would) and queued through the outbox, so the sync path is what fills every engine.
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { itemAudiences, itemPages, itemTags, itemVersions, items, tags } from "@/db/schema";
import type { Facet, ItemStatus, ItemType } from "@/vocabulary/library";
import { queueSearchSync } from "@/search/outbox";

export type FixtureItem = {
  title: string;
  type?: ItemType;
  summary?: string;
  text?: string;
  pages?: string[];
  status?: ItemStatus;
  tags?: Partial<Record<Facet, string[]>>;
  audience?: string[];
  expiresAt?: Date | null;
  publishedAt?: Date;
};

export async function ensureTag(db: Db, facet: Facet, value: string, label = value) {
  const [found] = await db.select().from(tags).where(eq(tags.value, value));
  if (found && found.facet === facet) return found.id;
  const [row] = await db.insert(tags).values({ facet, value, label }).onConflictDoNothing().returning();
  if (row) return row.id;
  const [again] = await db.select().from(tags).where(eq(tags.value, value));
  return again.id;
}

export async function createItem(db: Db, f: FixtureItem): Promise<string> {
  const status = f.status ?? "published";
  const publishedAt = f.publishedAt ?? new Date();
  const [item] = await db
    .insert(items)
    .values({
      type: f.type ?? "document",
      title: f.title,
      summary: f.summary ?? "",
      status,
      expiresAt: f.expiresAt ?? null,
      publishedAt: status === "published" || status === "archived" ? publishedAt : null,
      updatedAt: publishedAt,
    })
    .returning({ id: items.id });
  const [version] = await db
    .insert(itemVersions)
    .values({ itemId: item.id, number: 1, text: f.text ?? (f.pages ?? []).join("\n") })
    .returning({ id: itemVersions.id });
  if (f.pages?.length) {
    await db.insert(itemPages).values(f.pages.map((text, i) => ({ versionId: version.id, page: i + 1, text })));
  }
  for (const [facet, values] of Object.entries(f.tags ?? {}) as [Facet, string[]][]) {
    for (const value of values) {
      await db.insert(itemTags).values({ itemId: item.id, tagId: await ensureTag(db, facet, value, value.toUpperCase()) });
    }
  }
  if (f.audience?.length) await db.insert(itemAudiences).values(f.audience.map((teamId) => ({ itemId: item.id, teamId })));
  await queueSearchSync(db, [item.id]);
  return item.id;
}

/** Many plain published items at once (for the common-term path), queued for search. */
export async function createManyItems(db: Db, titles: string[]): Promise<string[]> {
  const rows = await db
    .insert(items)
    .values(titles.map((title) => ({ type: "document" as const, title, status: "published" as const, publishedAt: new Date() })))
    .returning({ id: items.id });
  await db.insert(itemVersions).values(rows.map((r) => ({ itemId: r.id, number: 1, text: "" })));
  await queueSearchSync(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => r.id);
}
