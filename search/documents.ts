// Library rows → search documents. Only published items become documents; everything else (drafts,
// reviews, archived, deleted) is reported as "remove" so engines drop it. Private fields never leave here.
import { and, asc, desc, eq, gt, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { itemAudiences, itemPages, itemTags, itemVersions, items, searchUsefulness, tags } from "@/db/schema";
import { normaliseText, stripMarkers } from "./query";
import type { SearchDocument } from "./types";

/** Bounds keep every document within the engines' limits (tsvector < 1 MB, Meilisearch positions). */
export const MAX_BODY_CHARS = 100_000;
export const MAX_PAGE_CHARS = 20_000;
const MAX_PAGES = 500;

/**
 * Where all text enters a search document, so every engine indexes (and shows) the same words, in the
 * form queries are normalised to (search/query.ts). NOTE: changing what this does to text leaves
 * documents indexed before in the old form: ship a migration that queues every published item for
 * the sync (as 0016 does), so both engines are rewritten without a manual reindex.
 */
const searchable = (text: string) => normaliseText(stripMarkers(text));
const clean = (text: string, max: number) => searchable(text).slice(0, max);

export async function buildDocuments(db: Db, itemIds: string[]): Promise<{ docs: SearchDocument[]; remove: string[] }> {
  const ids = [...new Set(itemIds)];
  if (ids.length === 0) return { docs: [], remove: [] };
  const rows = await db
    .select({
      id: items.id,
      type: items.type,
      title: items.title,
      summary: items.summary,
      expiresAt: items.expiresAt,
      publishedAt: items.publishedAt,
      updatedAt: items.updatedAt,
    })
    .from(items)
    .where(and(inArray(items.id, ids), eq(items.status, "published")));
  const found = rows.map((r) => r.id);
  const published = new Set(found);
  const remove = ids.filter((id) => !published.has(id));
  if (rows.length === 0) return { docs: [], remove };

  const [versions, tagRows, audienceRows, scores] = await Promise.all([
    db
      .selectDistinctOn([itemVersions.itemId], { id: itemVersions.id, itemId: itemVersions.itemId, text: itemVersions.text })
      .from(itemVersions)
      .where(inArray(itemVersions.itemId, found))
      .orderBy(itemVersions.itemId, desc(itemVersions.number)),
    db
      .select({ itemId: itemTags.itemId, facet: tags.facet, value: tags.value, label: tags.label })
      .from(itemTags)
      .innerJoin(tags, eq(tags.id, itemTags.tagId))
      .where(inArray(itemTags.itemId, found)),
    db.select().from(itemAudiences).where(inArray(itemAudiences.itemId, found)),
    db.select().from(searchUsefulness).where(inArray(searchUsefulness.itemId, found)),
  ]);
  const pageRows = versions.length
    ? await db
        .select({ versionId: itemPages.versionId, page: itemPages.page, text: itemPages.text })
        .from(itemPages)
        .where(
          inArray(
            itemPages.versionId,
            versions.map((v) => v.id),
          ),
        )
        .orderBy(asc(itemPages.versionId), asc(itemPages.page))
    : [];

  // Each item's rows looked up, not searched for: a rebuild's batch is 500 items.
  const versionOf = new Map(versions.map((v) => [v.itemId, v]));
  const tagsOf = groupBy(tagRows, (t) => t.itemId);
  const audienceOf = groupBy(audienceRows, (a) => a.itemId);
  const pagesOf = groupBy(pageRows, (p) => p.versionId);
  const scoreOf = new Map(scores.map((s) => [s.itemId, s.score]));
  const docs = rows.map((row): SearchDocument => {
    const version = versionOf.get(row.id);
    const itemTagRows = tagsOf.get(row.id) ?? [];
    return {
      id: row.id,
      type: row.type,
      title: clean(row.title, 500),
      summary: clean(row.summary, 5_000),
      tags: itemTagRows.map((t) => `${t.facet}:${t.value}`),
      tagLabels: itemTagRows.map((t) => searchable(t.label)),
      audience: (audienceOf.get(row.id) ?? []).map((a) => a.teamId),
      expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
      publishedAt: (row.publishedAt ?? row.updatedAt).getTime(),
      usefulness: scoreOf.get(row.id) ?? 0,
      body: clean(version?.text ?? "", MAX_BODY_CHARS),
      pages: version
        ? (pagesOf.get(version.id) ?? [])
            .filter((p) => p.text.trim() !== "")
            .slice(0, MAX_PAGES)
            .map((p) => ({ page: p.page, text: clean(p.text, MAX_PAGE_CHARS) }))
        : [],
    };
  });
  return { docs, remove };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/** Every published item, in batches, for a full rebuild. Keyset paging, so it scales. */
export async function* allDocuments(db: Db, batchSize = 500): AsyncGenerator<SearchDocument[]> {
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await db
      .select({ id: items.id })
      .from(items)
      .where(and(eq(items.status, "published"), gt(items.id, after)))
      .orderBy(asc(items.id))
      .limit(batchSize);
    if (batch.length === 0) return;
    after = batch[batch.length - 1].id;
    const { docs } = await buildDocuments(
      db,
      batch.map((b) => b.id),
    );
    if (docs.length) yield docs;
  }
}
