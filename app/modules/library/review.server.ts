// "Awaiting my review": items in review that this user may approve. The rule is the one the workflow
// enforces (lifecycle.server.ts `isReviewer`): an admin reviews anything; a marketer reviews what they
// neither own nor submitted. Written as SQL so the queue and its count in the navigation agree with it.
import { and, asc, desc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { itemTransitions, items, users } from "@/db/schema";
import { containsPattern } from "@/db/sql";
import type { ItemType, ReviewSort } from "@/vocabulary/library";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";

/** Who put the item into review last, and when (the newest `in_review` transition). */
const lastSubmission = sql`(select t.actor_id from ${itemTransitions} t where t.item_id = ${items.id} and t.to_status = 'in_review'
  order by t.at desc, t.id desc limit 1)`;
const submittedAt = sql<Date | null>`(select max(t.at) from ${itemTransitions} t where t.item_id = ${items.id} and t.to_status = 'in_review')`;

export const canReview = (user: Pick<SessionUser, "role">) => user.role === "marketer" || user.role === "admin";

const submitterName = sql<string | null>`(select u.name from ${users} u where u.id = ${lastSubmission})`;

/** The queue's search box and filters: words in the title, owner's or submitter's name; one type. */
export type ReviewFilter = { q?: string; type?: ItemType };

function awaitingWhere(user: SessionUser, filter: ReviewFilter = {}): SQL {
  // An approved item waiting for its scheduled time is in review with `publish_at` set: already decided.
  const conditions: (SQL | undefined)[] = [eq(items.status, "in_review"), isNull(items.publishAt)];
  if (user.role !== "admin") {
    conditions.push(sql`${items.ownerId} is distinct from ${user.id}::uuid`, sql`${lastSubmission} is distinct from ${user.id}::uuid`);
  }
  if (filter.type) conditions.push(eq(items.type, filter.type));
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    conditions.push(
      or(
        ilike(items.title, pattern),
        sql`exists (select 1 from ${users} o where o.id = ${items.ownerId} and o.name ilike ${pattern})`,
        sql`${submitterName} ilike ${pattern}`,
      ),
    );
  }
  return and(...conditions)!;
}

/** For the badge in the navigation (no filter); 0 for roles that do not review. */
export async function awaitingReviewCount(db: Db, { user, filter }: { user: SessionUser; filter?: ReviewFilter }): Promise<number> {
  if (!canReview(user)) return 0;
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(items)
    .where(awaitingWhere(user, filter));
  return n;
}

/** The same count, asked once per request: the navigation and the library's tile both show it. */
export function awaitingReviewCountOnce(ctx: AppContext, user: SessionUser): Promise<number> {
  const key = `awaiting-review:${user.id}`;
  const known = ctx.requestCache?.get(key) as Promise<number> | undefined;
  if (known) return known;
  const count = awaitingReviewCount(ctx.db, { user });
  ctx.requestCache?.set(key, count);
  return count;
}

export type ReviewEntry = {
  id: string;
  type: ItemType;
  title: string;
  owner: string | null;
  submitter: string | null;
  submittedAt: Date | null;
};

const ORDER: Record<ReviewSort, SQL[]> = {
  // Whoever has waited longest is answered first.
  waiting: [asc(submittedAt), asc(items.id)],
  recent: [desc(submittedAt), asc(items.id)],
  title: [asc(sql`lower(${items.title})`), asc(items.id)],
};

/** Oldest submission first unless `sort` says otherwise. */
export async function awaitingReview(
  db: Db,
  {
    user,
    filter,
    sort = "waiting",
    limit = 50,
    offset = 0,
  }: { user: SessionUser; filter?: ReviewFilter; sort?: ReviewSort; limit?: number; offset?: number },
): Promise<ReviewEntry[]> {
  if (!canReview(user)) return [];
  const rows = await db
    .select({
      id: items.id,
      type: items.type,
      title: items.title,
      owner: users.name,
      submitter: submitterName,
      submittedAt: submittedAt.mapWith(items.updatedAt),
    })
    .from(items)
    .leftJoin(users, eq(users.id, items.ownerId))
    .where(awaitingWhere(user, filter))
    .orderBy(...ORDER[sort])
    .limit(Math.min(Math.max(limit, 1), 200))
    .offset(Math.max(offset, 0));
  return rows;
}
