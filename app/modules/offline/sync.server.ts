// The offline catalog delta: what a seller's device must add, update or delete since its last sync.
// Keyset-paged on (items.updated_at, items.id); the cursor is opaque to clients.
import { createHash } from "node:crypto";
import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { itemTags, itemTombstones, itemVersions, items, tags } from "@/db/schema";
import { UUID_SOURCE } from "@/vocabulary/ids";
import { isMessagingType } from "@/vocabulary/library";
import type { CatalogItem, SyncResponse } from "~/offline/types";
import type { SessionUser } from "~/modules/auth/session.server";
import { AppError } from "~/modules/errors.server";
import { audienceTeams, visibleDuringWhere, visibleItemsWhere } from "~/modules/library/audience.server";

export const SYNC_PAGE_DEFAULT = 500;
export const SYNC_PAGE_MAX = 1000;
/**
 * Rows are timestamped when their transaction starts but become visible when it commits, so a slow
 * transaction can land "behind" a cursor that has already moved on. The cursor therefore never moves
 * past now minus this window; items changed within it are sent again next time (the device upserts).
 */
export const SETTLE_MS = 10_000;

const NIL_UUID = "00000000-0000-0000-0000-000000000000";
const ISO_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
/** Case-sensitive, unlike UUID_PATTERN: the cursor's id is the server's own text, so any other spelling was edited. */
const LOWER_CASE_UUID = new RegExp(`^${UUID_SOURCE}$`);

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

const CursorSchema = z.object({
  v: z.literal(1),
  /** updated_at of the last row sent, microsecond text (a JS Date would lose the microseconds). */
  t: z.string().regex(CURSOR_TIME),
  /** items.id as the database prints it: lower case (a cursor is only ever issued with one). */
  id: z.string().regex(LOWER_CASE_UUID),
  /** Fingerprint of what the caller could see (role and teams) when the cursor was issued. */
  a: z.string(),
  /** Set while the pages of a complete (full) sync are being fetched. */
  f: z.literal(1).optional(),
  /** On every page but the last of a complete sync or a delta: the settle horizon when its first page
   * was served, where the delta after it starts. */
  s: z.string().regex(CURSOR_TIME).optional(),
});
type Cursor = z.infer<typeof CursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(raw: string): Cursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    throw new AppError("bad_request", "The sync cursor is not valid. Sync again without `since` to get the whole catalog.");
  }
}

/** Changes whenever the rule `visibleItemsWhere` applies to this user would change. */
export function audienceFingerprint(user: SessionUser): string {
  const key = `${user.role}|${audienceTeams(user).sort().join(",")}`;
  return createHash("sha256").update(key).digest("base64url").slice(0, 16);
}

/** The current version and the tags of each item on a page of the catalog. */
function versionsAndTags(db: Db, ids: string[]) {
  return ids.length
    ? Promise.all([
        db
          .selectDistinctOn([itemVersions.itemId], {
            itemId: itemVersions.itemId,
            id: itemVersions.id,
            number: itemVersions.number,
            bodyMd: itemVersions.bodyMd,
            filename: itemVersions.filename,
            mime: itemVersions.mime,
            size: itemVersions.size,
            fileKey: itemVersions.fileKey,
            pageCount: itemVersions.pageCount,
            previews: itemVersions.previews,
          })
          .from(itemVersions)
          .where(inArray(itemVersions.itemId, ids))
          .orderBy(itemVersions.itemId, desc(itemVersions.number)),
        db
          .select({ itemId: itemTags.itemId, facet: tags.facet, value: tags.value, label: tags.label })
          .from(itemTags)
          .innerJoin(tags, eq(tags.id, itemTags.tagId))
          .where(inArray(itemTags.itemId, ids))
          .orderBy(tags.facet, tags.label),
      ])
    : ([[], []] as const);
}

/** now − the settle window, as cursor text: the furthest a cursor may move. */
async function settleHorizon(db: Db, nowSql: SQL, settleMs: number): Promise<string> {
  const [{ horizon }] = await db
    .select({
      horizon: sql<string>`to_char((${nowSql} - ${settleMs} * interval '1 millisecond') at time zone 'UTC', ${sql.raw(ISO_US)})`,
    })
    .from(sql`(select 1) as one`);
  return horizon;
}

export async function catalogDelta(
  db: Db,
  {
    user,
    since,
    limit = SYNC_PAGE_DEFAULT,
    settleMs = SETTLE_MS,
    now,
  }: {
    user: SessionUser;
    since?: string;
    limit?: number;
    settleMs?: number;
    /** Tests only; defaults to the database clock. */ now?: Date;
  },
): Promise<SyncResponse> {
  const nowSql = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
  const audience = audienceFingerprint(user);
  const decoded = since ? decodeCursor(since) : undefined;
  // A device whose user changed team or role may hold items it can no longer see and miss ones it now
  // may: a delta cannot express that, so it gets the whole catalog again.
  const after = decoded && decoded.a === audience ? decoded : undefined;
  const full = !after || after.f === 1;
  const pageSize = Math.min(Math.max(Math.trunc(limit), 1), SYNC_PAGE_MAX);
  const visible = visibleItemsWhere(user, now);
  // What the device may hold: items visible to the caller at the cursor's time or at any moment since.
  // Only those may be named in `removed`; anything else would tell the caller that an id exists.
  const held = after ? visibleDuringWhere(user, sql`${after.t}::timestamptz`, nowSql) : sql`false`;

  const rows = await db
    .select({
      id: items.id,
      type: items.type,
      title: items.title,
      summary: items.summary,
      videoUrl: items.videoUrl,
      notForBuyers: items.notForBuyers,
      publishedAt: items.publishedAt,
      expiresAt: items.expiresAt,
      updatedAt: items.updatedAt,
      key: sql<string>`to_char(${items.updatedAt} at time zone 'UTC', ${sql.raw(ISO_US)})`,
      visible: sql<boolean>`(${visible})`,
    })
    .from(items)
    .where(
      and(
        after ? sql`(${items.updatedAt}, ${items.id}) > (${after.t}::timestamptz, ${after.id}::uuid)` : undefined,
        // A complete catalog only lists what the caller may see. A delta also lists what changed out of
        // view, but only what the device may hold: never a draft, nor another team's item.
        full ? visible : or(visible, held),
      ),
    )
    .orderBy(asc(items.updatedAt), asc(items.id))
    .limit(pageSize + 1);

  const more = rows.length > pageSize;
  const page = more ? rows.slice(0, pageSize) : rows;
  const shown = page.filter((r) => r.visible);
  const removed = new Set(page.filter((r) => !r.visible).map((r) => r.id));

  if (!full && after) {
    // Tombstones (archived, deleted) and expiries (which do not touch updated_at) since the cursor,
    // minus anything visible again (e.g. re-published after an archive) and anything the device never held.
    const tombstoned = await db
      .select({ id: itemTombstones.itemId })
      .from(itemTombstones)
      .where(
        and(
          // At the cursor's instant too: see visibleDuringWhere.
          sql`${itemTombstones.at} >= ${after.t}::timestamptz`,
          sql`exists (select 1 from ${items} where ${items.id} = ${itemTombstones.itemId} and not (${visible}) and ${held})`,
        ),
      );
    const expired = await db
      .select({ id: items.id })
      .from(items)
      .where(and(sql`${items.expiresAt} > ${after.t}::timestamptz`, sql`${items.expiresAt} <= ${nowSql}`, sql`not (${visible})`, held));
    for (const r of [...tombstoned, ...expired]) removed.add(r.id);
  }

  const ids = shown.map((r) => r.id);
  const [versions, tagRows] = await versionsAndTags(db, ids);
  const versionOf = new Map(versions.map((v) => [v.itemId, v]));

  const catalog: CatalogItem[] = shown.map((r) => {
    const v = versionOf.get(r.id);
    return {
      id: r.id,
      type: r.type,
      title: r.title,
      summary: r.summary,
      tags: tagRows.filter((t) => t.itemId === r.id).map(({ facet, value, label }) => ({ facet, value, label })),
      version: v?.number ?? null,
      versionId: v?.id ?? null,
      bodyMd: isMessagingType(r.type) ? (v?.bodyMd ?? null) : null,
      file: v?.fileKey ? { filename: v.filename, mime: v.mime, size: v.size } : null,
      previews: (v?.previews ?? []).map((p) => p.n).sort((a, b) => a - b),
      pageCount: v?.pageCount ?? null,
      videoUrl: r.videoUrl,
      publishedAt: r.publishedAt?.toISOString() ?? null,
      expiresAt: r.expiresAt?.toISOString() ?? null,
      updatedAt: r.updatedAt.toISOString(),
      // The catalog lists only published, unexpired items the seller sees, so only the marketer's flag is left.
      shareable: !r.notForBuyers,
    };
  });

  // Pages walk past the settle horizon: a page's last row may be a moment old, and a transaction that
  // began before it and commits after the page was served lands behind the walk. A complete sync of
  // many pages also takes a while on a slow connection: an item listed on page 1 and archived before
  // the last page moves past the rows still to come, where only visible items are listed, so no page
  // says it went. So the delta after several pages starts where the first was served (`s`), not where
  // the last ended: what changed since is sent again, and what went is named in `removed`.
  const started = after?.s;
  const horizon = started && more ? started : await settleHorizon(db, nowSql, settleMs);
  let cursor: Cursor;
  if (more) {
    const last = page[page.length - 1];
    cursor = { v: 1, t: last.key, id: last.id, a: audience, ...(full ? { f: 1 as const } : {}), s: horizon };
  } else {
    // Nothing is left after the last row, so the cursor may move up to the settle horizon (and no further).
    const floor = started ? { t: started, id: NIL_UUID } : after && !after.f && after.t > horizon ? after : { t: horizon, id: NIL_UUID };
    cursor = { v: 1, t: floor.t, id: floor.id, a: audience };
  }

  return {
    items: catalog,
    removed: [...removed].filter((id) => !ids.includes(id)),
    cursor: encodeCursor(cursor),
    full,
    more,
  };
}
