// One item as its viewer may see it (the seller's item read, and the desk's with every version and
// the history), in the page's shape and the API's.
import { and, desc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { itemTransitions, itemVersions, items, tags, users } from "@/db/schema";
import { isUuid } from "@/vocabulary/ids";
import type { SessionUser } from "~/modules/auth/session.server";
import { notFound } from "~/modules/errors.server";
import { seesWholeLibrary, visibleItemsWhere } from "./audience.server";
import { itemAudiencesJson, itemTagsJson } from "./item-json.server";
import { renderMarkdownCached } from "./markdown-cache.server";

export type VersionView = {
  id: string;
  number: number;
  changelog: string;
  filename: string | null;
  mime: string | null;
  size: number | null;
  pageCount: number | null;
  previewStatus: "none" | "pending" | "ready" | "failed";
  /** Why previews could not be made (with `failed`), in words for the person who uploaded the file. */
  previewProblem: string | null;
  previews: { n: number; widths: { width: number; height: number }[] }[];
  placeholder: string | null;
  createdAt: Date;
  createdBy: string | null;
};

/**
 * A version's columns without `text`, the whole document's extracted words (up to 2,000 pages), which only
 * search reads: the item pages load the current version, or every one, and show none of it (20 versions
 * of a long PDF took the desk's item read from 6 to 52 ms on PostgreSQL).
 */
const { text: _text, ...versionColumns } = getTableColumns(itemVersions);
export const VERSION_COLUMNS = versionColumns;
export type VersionRow = Omit<typeof itemVersions.$inferSelect, "text">;

export function versionView(v: VersionRow): VersionView {
  return {
    id: v.id,
    number: v.number,
    changelog: v.changelog,
    filename: v.filename,
    mime: v.mime,
    size: v.size,
    pageCount: v.pageCount,
    previewStatus: v.previewStatus,
    previewProblem: v.previewStatus === "failed" ? v.previewProblem : null,
    // Storage keys stay on the server: clients fetch previews through the audience-checked route.
    previews: v.previews.map((p) => ({ n: p.n, widths: p.widths.map(({ width, height }) => ({ width, height })) })),
    placeholder: v.placeholder,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
  };
}

/**
 * Everything about one item the viewer may see: sellers get the published item and its latest
 * version; marketers and admins also get every version, audiences and the history.
 */
export async function loadItemDetail(db: Db, user: SessionUser, itemId: string) {
  if (!isUuid(itemId)) throw notFound("This item doesn't exist or isn't shared with your team.");
  // One round trip for what every viewer sees: the item page is the hottest page sellers open.
  const [row] = await db
    .select({
      item: items,
      current: VERSION_COLUMNS,
      ownerName: users.name,
      tags: itemTagsJson(),
      audiences: itemAudiencesJson(),
    })
    .from(items)
    .leftJoin(
      itemVersions,
      eq(itemVersions.id, sql`(select v.id from ${itemVersions} v where v.item_id = ${items.id} order by v.number desc limit 1)`),
    )
    .leftJoin(users, eq(users.id, items.ownerId))
    .where(and(eq(items.id, itemId), visibleItemsWhere(user)))
    .limit(1);
  if (!row) throw notFound("This item doesn't exist or isn't shared with your team.");
  const desk = seesWholeLibrary(user);
  return itemDetailFrom(row, desk, desk ? await versionsAndHistory(db, itemId) : [[], []]);
}
export type ItemDetail = ReturnType<typeof itemDetailFrom>;

/**
 * The versions and the status history, newest first: what marketers and admins see below the item. All
 * of them, or the newest `limit.versions` and `limit.history` (the page; `countVersionsAndHistory` says
 * how many there are).
 */
export async function versionsAndHistory(db: Db, itemId: string, limit: { versions?: number; history?: number } = {}) {
  const at = (n: number | undefined) => n ?? Number.MAX_SAFE_INTEGER;
  return Promise.all([
    db
      .select(VERSION_COLUMNS)
      .from(itemVersions)
      .where(eq(itemVersions.itemId, itemId))
      .orderBy(desc(itemVersions.number))
      .limit(at(limit.versions)),
    db
      .select({
        id: itemTransitions.id,
        from: itemTransitions.fromStatus,
        to: itemTransitions.toStatus,
        comment: itemTransitions.comment,
        at: itemTransitions.at,
        actor: users.name,
      })
      .from(itemTransitions)
      .leftJoin(users, eq(users.id, itemTransitions.actorId))
      .where(eq(itemTransitions.itemId, itemId))
      .orderBy(desc(itemTransitions.at), desc(itemTransitions.id))
      .limit(at(limit.history)),
  ]);
}

/** How many versions and history rows the item has, for the page's "Show all" links. */
export async function countVersionsAndHistory(db: Db, itemId: string): Promise<{ versions: number; history: number }> {
  const [row] = await db
    .select({
      versions: sql<number>`(select count(*) from ${itemVersions} where ${itemVersions.itemId} = ${itemId})::int`,
      history: sql<number>`(select count(*) from ${itemTransitions} where ${itemTransitions.itemId} = ${itemId})::int`,
    })
    .from(sql`(select 1) as one`);
  return row;
}

/** The item page's and the API's shape, from the one-statement row (loadItemDetail, loadItemPage). */
export function itemDetailFrom(
  row: {
    item: typeof items.$inferSelect;
    current: VersionRow | null;
    ownerName: string | null;
    tags: Pick<typeof tags.$inferSelect, "id" | "facet" | "value" | "label">[];
    audiences: { id: string; name: string }[];
  },
  desk: boolean,
  [versionRows, history]: Awaited<ReturnType<typeof versionsAndHistory>> | [[], []],
) {
  const { item, current } = row;
  return {
    item: {
      id: item.id,
      type: item.type,
      title: item.title,
      summary: item.summary,
      status: item.status,
      revision: item.revision,
      problem: desk ? item.problem : null,
      videoUrl: item.videoUrl,
      notForBuyers: item.notForBuyers,
      owner: item.ownerId && row.ownerName !== null ? { id: item.ownerId, name: row.ownerName } : null,
      expiresAt: item.expiresAt,
      verifyIntervalDays: item.verifyIntervalDays,
      verifiedAt: item.verifiedAt,
      publishAt: item.publishAt,
      publishedAt: item.publishedAt,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
    },
    current: current ? versionView(current) : null,
    /** Sanitised HTML of the current message (messaging types). */
    html: current?.bodyMd ? renderMarkdownCached(current.id, current.bodyMd) : null,
    bodyMd: current?.bodyMd ?? null,
    tags: row.tags,
    audiences: row.audiences,
    versions: versionRows.map(versionView),
    history,
  };
}

/** The API's item shape (contract: the item with `id`, `status`, `versions`). */
export function itemJson(detail: ItemDetail) {
  const base = `/api/v1/items/${detail.item.id}`;
  const withUrls = (v: VersionView, latest: boolean) => ({
    ...v,
    fileUrl: v.filename ? `${base}/file${latest ? "" : `?version=${v.number}`}` : null,
    previews: v.previews.map((p) => ({
      ...p,
      urls: Object.fromEntries(
        p.widths.map((w) => [w.width, `${base}/previews/${p.n}?w=${w.width}${latest ? "" : `&version=${v.number}`}`]),
      ),
    })),
  });
  return {
    ...detail.item,
    tags: detail.tags,
    audiences: detail.audiences,
    currentVersion: detail.current ? withUrls(detail.current, true) : null,
    html: detail.html,
    body: detail.bodyMd,
    versions: (detail.versions.length ? detail.versions : detail.current ? [detail.current] : []).map((v, i) => withUrls(v, i === 0)),
    history: detail.history,
  };
}
