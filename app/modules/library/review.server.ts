// "Awaiting my review": items in review that this user may approve. The rule is the one the workflow
// enforces (lifecycle.server.ts `isReviewer`): an admin reviews anything; a marketer reviews what they
// neither own nor submitted. Written as SQL so the queue and its count in the navigation agree with it.
import { and, asc, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { itemTransitions, items, users } from "@/db/schema";
import type { ItemType } from "@/vocabulary/library";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";

/** Who put the item into review last, and when (the newest `in_review` transition). */
const lastSubmission = sql`(select t.actor_id from ${itemTransitions} t where t.item_id = ${items.id} and t.to_status = 'in_review'
  order by t.at desc, t.id desc limit 1)`;
const submittedAt = sql<Date | null>`(select max(t.at) from ${itemTransitions} t where t.item_id = ${items.id} and t.to_status = 'in_review')`;

export const canReview = (user: Pick<SessionUser, "role">) => user.role === "marketer" || user.role === "admin";

function awaitingWhere(user: SessionUser): SQL {
  // An approved item waiting for its scheduled time is in review with `publish_at` set: already decided.
  const inReview = and(eq(items.status, "in_review"), isNull(items.publishAt))!;
  if (user.role === "admin") return inReview;
  return and(inReview, sql`${items.ownerId} is distinct from ${user.id}::uuid`, sql`${lastSubmission} is distinct from ${user.id}::uuid`)!;
}

/** For the badge in the navigation; 0 for roles that do not review. */
export async function awaitingReviewCount(db: Db, { user }: { user: SessionUser }): Promise<number> {
  if (!canReview(user)) return 0;
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(items)
    .where(awaitingWhere(user));
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

/** Oldest submission first: whoever has waited longest is answered first. */
export async function awaitingReview(
  db: Db,
  { user, limit = 50, offset = 0 }: { user: SessionUser; limit?: number; offset?: number },
): Promise<ReviewEntry[]> {
  if (!canReview(user)) return [];
  const rows = await db
    .select({
      id: items.id,
      type: items.type,
      title: items.title,
      owner: users.name,
      submitter: sql<string | null>`(select u.name from ${users} u where u.id = ${lastSubmission})`,
      submittedAt: submittedAt.mapWith(items.updatedAt),
    })
    .from(items)
    .leftJoin(users, eq(users.id, items.ownerId))
    .where(awaitingWhere(user))
    .orderBy(asc(submittedAt), asc(items.id))
    .limit(Math.min(Math.max(limit, 1), 200))
    .offset(Math.max(offset, 0));
  return rows;
}
