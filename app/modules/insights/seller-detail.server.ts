// One seller's use of Fieldkit in a range, for the managers of their team and admins: the figures of
// their row in Sellers' activity, every item they used with what they did with it and what they said
// of it, and what they looked for and did not find (searches with no result, content requests). Read
// from the per-seller rollups (seller_daily, item_seller_daily, both keyed by seller first), their
// ratings, searches and requests, so a seller with a year of use costs one index range per table.
import { sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { rowsOf, type Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import { contentRequests, itemSellerDaily, items, ratings, searchQueries, sellerDaily, teams, users } from "@/db/schema";
import { isUuid } from "@/vocabulary/ids";
import { SELLER_ITEM_SORTS, sellerItemSortDefaultDir, type SellerItemSort } from "@/vocabulary/feedback";
import type { SessionUser } from "~/modules/auth/session.server";
import { notFound } from "~/modules/errors.server";
import type { DayRange } from "~/modules/feedback/score.server";
import { tableQuery } from "~/modules/validation.server";
import { audienceInScope, insightScope, num, utcEnd, utcStart, type Scope } from "./scope.server";

export const SELLER_ITEMS_PAGE = 25;

export const SellerItemsQuery = tableQuery(SELLER_ITEM_SORTS);
export type SellerItemsQuery = z.infer<typeof SellerItemsQuery>;

export type SellerItemRow = {
  itemId: string;
  title: string;
  type: string;
  views: number;
  shares: number;
  downloads: number;
  /** Time spent on the item's page, in seconds. */
  dwellS: number;
  lastDay: string;
  /** Their latest "Was this useful?" answer on the item (any version, any time), with its comment. */
  useful: boolean | null;
  comment: string | null;
};

export type SellerDetail = {
  seller: { id: string; name: string; email: string; team: string | null; active: boolean };
  totals: {
    activeDays: number;
    views: number;
    items: number;
    shares: number;
    downloads: number;
    ratings: number;
    useful: number;
    searches: number;
    /** Searches that found nothing: what this seller needed and the library did not have. */
    emptySearches: number;
  };
  items: { rows: SellerItemRow[]; total: number; page: number; pages: number; pageSize: number };
  /** The content requests they sent in the range, newest first (at most REQUESTS_SHOWN). */
  requests: { id: string; text: string; status: string; createdAt: string; answerItemId: string | null }[];
  requestsTotal: number;
};

export const REQUESTS_SHOWN = 10;

/** Who may see the seller: a manager of their present team, or an admin; anyone else gets the 404 a stranger would. */
async function sellerInScope(db: Db, user: SessionUser, sellerId: string) {
  const scope = insightScope(user, null, ["manager", "admin"]);
  const missing = notFound("No such seller in your teams.");
  if (!isUuid(sellerId)) throw missing;
  const t = alias(teams, "t");
  const [row] = rowsOf<{ id: string; name: string; email: string; team: string | null; teamId: string | null; active: boolean }>(
    await db.execute(sql`
      select ${users.id} as id, ${users.name} as name, ${users.email} as email, ${t.name} as team, ${users.teamId} as "teamId",
             ${users.active} as active
      from ${users} left join ${teams} ${t} on ${t.id} = ${users.teamId}
      where ${users.id} = ${sellerId} and ${users.role} = 'seller'`),
  );
  if (!row || (scope.teamIds !== null && !(row.teamId && scope.teamIds.includes(row.teamId)))) throw missing;
  return { id: row.id, name: row.name, email: row.email, team: row.team, active: Boolean(row.active) };
}

export async function sellerDetail(
  db: Db,
  { user, sellerId, range, query = {} }: { user: SessionUser; sellerId: string; range: DayRange; query?: SellerItemsQuery },
): Promise<SellerDetail> {
  const seller = await sellerInScope(db, user, sellerId);
  const [totals, list, requests] = await Promise.all([
    sellerTotals(db, seller.id, range),
    sellerItems(db, seller.id, range, query, insightScope(user, null, ["manager", "admin"])),
    sellerRequests(db, seller.id, range),
  ]);
  return { seller, totals, items: list, ...requests };
}

async function sellerTotals(db: Db, sellerId: string, range: DayRange): Promise<SellerDetail["totals"]> {
  const d = sellerDaily;
  const i = itemSellerDaily;
  const r = ratings;
  const q = searchQueries;
  const inRange = (day: typeof d.day | typeof i.day) => sql`${day} between ${range.from}::date and ${range.to}::date`;
  const atInRange = (at: typeof r.at | typeof q.at) => sql`${at} >= ${utcStart(range.from)} and ${at} < ${utcEnd(range.to)}`;
  // One pass over each table's rows for the seller in the range.
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select * from
        (select count(*) as "activeDays", coalesce(sum(${d.views}), 0) as views
         from ${sellerDaily} ${d} where ${d.userId} = ${sellerId} and ${inRange(d.day)}) days,
        (select count(distinct ${i.itemId}) as items,
                coalesce(sum(${i.shares}), 0) as shares, coalesce(sum(${i.downloads}), 0) as downloads
         from ${itemSellerDaily} ${i} where ${i.userId} = ${sellerId} and ${inRange(i.day)}) used,
        (select count(*) as ratings, count(*) filter (where ${r.useful}) as useful
         from ${ratings} ${r} where ${r.userId} = ${sellerId} and ${atInRange(r.at)}) rated,
        (select count(*) as searches, count(*) filter (where ${q.resultCount} = 0) as "emptySearches"
         from ${searchQueries} ${q} where ${q.userId} = ${sellerId} and ${atInRange(q.at)}) searched`),
  );
  return {
    activeDays: num(row?.activeDays),
    views: num(row?.views),
    items: num(row?.items),
    shares: num(row?.shares),
    downloads: num(row?.downloads),
    ratings: num(row?.ratings),
    useful: num(row?.useful),
    searches: num(row?.searches),
    emptySearches: num(row?.emptySearches),
  };
}

async function sellerRequests(db: Db, sellerId: string, range: DayRange): Promise<Pick<SellerDetail, "requests" | "requestsTotal">> {
  const c = contentRequests;
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select ${c.id} as id, ${c.text} as text, ${c.status} as status, ${c.createdAt} as "createdAt",
             ${c.answerItemId} as "answerItemId", count(*) over () as total
      from ${contentRequests} ${c}
      where ${c.userId} = ${sellerId} and ${c.createdAt} >= ${utcStart(range.from)} and ${c.createdAt} < ${utcEnd(range.to)}
      order by ${c.createdAt} desc, ${c.id}
      limit ${REQUESTS_SHOWN}`),
  );
  return {
    requests: rows.map((row) => ({
      id: String(row.id),
      text: String(row.text),
      status: String(row.status),
      createdAt: new Date(row.createdAt as string).toISOString(),
      answerItemId: row.answerItemId === null || row.answerItemId === undefined ? null : String(row.answerItemId),
    })),
    requestsTotal: rows.length ? num(rows[0].total) : 0,
  };
}

async function sellerItems(
  db: Db,
  sellerId: string,
  range: DayRange,
  query: SellerItemsQuery,
  scope: Scope,
): Promise<SellerDetail["items"]> {
  const sort = query.sort ?? "views";
  const dir = query.dir ?? sellerItemSortDefaultDir(sort);
  const page = query.page ?? 1;
  const i = itemSellerDaily;
  const it = alias(items, "it");
  const r = ratings;
  const key: Record<SellerItemSort, SQL> = { views: sql`views`, last: sql`"lastDay"`, title: sql`lower(title)`, shares: sql`shares` };
  const search = query.q ? sql`and ${it.title} ilike ${containsPattern(query.q)}` : sql``;
  const listed = sql`
      with used as (
        select ${i.itemId} as item_id, sum(${i.views})::int as views, sum(${i.shares})::int as shares,
               sum(${i.downloads})::int as downloads, sum(${i.dwellMs})::bigint as dwell_ms, max(${i.day})::text as last_day
        from ${itemSellerDaily} ${i}
        where ${i.userId} = ${sellerId} and ${i.day} between ${range.from}::date and ${range.to}::date
        group by ${i.itemId}
      ),
      listed as (
        select used.item_id as "itemId", ${it.title} as title, ${it.type} as type, used.views, used.shares, used.downloads,
               used.dwell_ms as "dwellMs", used.last_day as "lastDay"
        from used
        -- A manager in one team who leads another used the other's items: not for this page's reader.
        join ${items} ${it} on ${it.id} = used.item_id and ${audienceInScope(it.id, scope)} ${search}
      )`;
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`${listed},
      shown as (
        select listed.*, count(*) over () as total, row_number() over (order by ${key[sort]} ${sql.raw(dir)}, lower(title), "itemId") as n
        from listed
        order by n
        limit ${SELLER_ITEMS_PAGE} offset ${(page - 1) * SELLER_ITEMS_PAGE}
      )
      -- Their latest rating, looked up for the page's rows only.
      select shown.*, rated.useful, rated.comment from shown
      left join lateral (
        select ${r.useful} as useful, ${r.comment} as comment from ${ratings} ${r}
        where ${r.userId} = ${sellerId} and ${r.itemId} = shown."itemId"
        order by ${r.at} desc limit 1
      ) rated on true
      order by shown.n`),
  );
  // Past the last page the window count has no row to ride on.
  const total = rows.length
    ? num(rows[0].total)
    : page > 1
      ? num(rowsOf<{ n: number }>(await db.execute(sql`${listed} select count(*)::int as n from listed`))[0]?.n)
      : 0;
  return {
    rows: rows.map((row) => ({
      itemId: String(row.itemId),
      title: String(row.title),
      type: String(row.type),
      views: num(row.views),
      shares: num(row.shares),
      downloads: num(row.downloads),
      dwellS: Math.round(num(row.dwellMs) / 1000),
      lastDay: String(row.lastDay),
      useful: row.useful === null || row.useful === undefined ? null : Boolean(row.useful),
      comment: row.comment === null || row.comment === undefined ? null : String(row.comment),
    })),
    total,
    page,
    pages: Math.max(1, Math.ceil(total / SELLER_ITEMS_PAGE)),
    pageSize: SELLER_ITEMS_PAGE,
  };
}
