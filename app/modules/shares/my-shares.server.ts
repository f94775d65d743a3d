// A seller's own shares: "My shares", found by buyer or item and by what became of the link, a page at a
// time, and the opens the seller has not seen yet.
import { and, count, desc, eq, exists, gt, ilike, isNotNull, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import { items, shareItems, shares } from "@/db/schema";
import { SHARE_FILTERS, SHARE_SORTS } from "@/vocabulary/shares";
import type { SessionUser } from "~/modules/auth/session.server";
import { urlFilter, urlPage } from "~/modules/validation.server";
import { toViews } from "./shares.server";

export const MY_SHARES_PAGE_SIZE = 20;

export const MySharesQuery = z.object({
  /** Part of the buyer's name or address, or of a shared item's title. */
  q: urlFilter(z.string().trim().min(1).max(200)),
  show: urlFilter(z.enum(SHARE_FILTERS)),
  sort: urlFilter(z.enum(SHARE_SORTS)),
  page: urlPage,
});
export type MySharesQuery = z.infer<typeof MySharesQuery>;

function showWhere(show: MySharesQuery["show"], now: Date): SQL | undefined {
  switch (show) {
    case "active":
      return and(isNull(shares.revokedAt), gt(shares.expiresAt, now));
    case "expired":
      return and(isNull(shares.revokedAt), lte(shares.expiresAt, now));
    case "revoked":
      return isNotNull(shares.revokedAt);
    case "opened":
      return isNotNull(shares.firstOpenedAt);
    case "unopened":
      return isNull(shares.firstOpenedAt);
    default:
      return undefined;
  }
}

function mySharesWhere(db: Db, user: SessionUser, query: MySharesQuery, now: Date) {
  const p = query.q ? containsPattern(query.q) : undefined;
  return and(
    eq(shares.userId, user.id),
    p
      ? or(
          ilike(shares.recipientName, p),
          ilike(shares.recipientEmail, p),
          exists(
            db
              .select({ one: sql`1` })
              .from(shareItems)
              .innerJoin(items, eq(items.id, shareItems.itemId))
              // Not by an item taken off: its card no longer names it.
              .where(and(eq(shareItems.shareId, shares.id), isNull(shareItems.removedAt), ilike(items.title, p))),
          ),
        )
      : undefined,
    showWhere(query.show, now),
  );
}

/** Each order ends on the newest first, and then the id, so a page never repeats or skips a share. */
function orderBy(sort: (typeof SHARE_SORTS)[number], now: Date): SQL[] {
  const open = sql`(${shares.revokedAt} is null and ${shares.expiresAt} > ${now.toISOString()}::timestamptz)`;
  switch (sort) {
    case "opens":
      return [desc(shares.opens), desc(shares.createdAt), desc(shares.id)];
    case "closing":
      // Links still open, closing soonest first; then the closed ones, the most recently closed first.
      return [sql`${open} desc`, sql`case when ${open} then ${shares.expiresAt} end asc`, desc(shares.expiresAt), desc(shares.id)];
    default:
      return [desc(shares.createdAt), desc(shares.id)];
  }
}

/** Shares matching `where`, in `sort` order (newest first by default), one page of `limit`, with the count for the pages. */
async function sharesPage(
  db: Db,
  {
    user,
    where,
    page,
    limit,
    now,
    sort = "newest",
  }: { user: SessionUser; where: SQL | undefined; page: number; limit: number; now: Date; sort?: (typeof SHARE_SORTS)[number] },
) {
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(shares)
      .where(where)
      .orderBy(...orderBy(sort, now))
      .limit(limit)
      .offset((page - 1) * limit),
    db.select({ total: count() }).from(shares).where(where),
  ]);
  return { shares: await toViews(db, user, rows, now), total, page, pages: Math.max(1, Math.ceil(total / limit)) };
}

/** One page of "My shares", in the order asked for (newest first by default), with the count for its pages. */
export const listMySharesPage = (db: Db, { user, query, now = new Date() }: { user: SessionUser; query: MySharesQuery; now?: Date }) =>
  sharesPage(db, {
    user,
    where: mySharesWhere(db, user, query, now),
    page: query.page ?? 1,
    limit: MY_SHARES_PAGE_SIZE,
    now,
    sort: query.sort,
  });

/** The API's list: newest first, `limit` a page, with the count, so a script reaches every share. */
export const MySharesApiQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const listMyShares = (
  db: Db,
  { user, now = new Date(), page = 1, limit = 100 }: { user: SessionUser; now?: Date; page?: number; limit?: number },
) => sharesPage(db, { user, where: eq(shares.userId, user.id), page, limit, now });

/** The seller has seen the notices: opens so far stop being "new". */
export async function markSharesSeen(db: Db, { user, now = new Date() }: { user: SessionUser; now?: Date }) {
  await db
    .update(shares)
    .set({ seenAt: now })
    .where(
      and(
        eq(shares.userId, user.id),
        sql`${shares.firstOpenedAt} is not null and (${shares.seenAt} is null or ${shares.seenAt} < ${shares.firstOpenedAt})`,
      ),
    );
}

export async function countNewlyOpened(db: Db, user: SessionUser): Promise<number> {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(shares)
    .where(
      and(
        eq(shares.userId, user.id),
        sql`${shares.firstOpenedAt} is not null and (${shares.seenAt} is null or ${shares.seenAt} < ${shares.firstOpenedAt})`,
      ),
    );
  return n;
}
