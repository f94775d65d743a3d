// Marketing's feedback inbox at scale: a filtered, paged list of ratings that say something (one line
// each), one opened in a detail pane to reply or resolve, and the form actions both inbox pages share.
import { and, asc, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import type { SelectedFields } from "drizzle-orm/pg-core";
import { feedbackReplies, itemVersions, items, ratings, teams, users } from "@/db/schema";
import { RATING_REASONS } from "@/vocabulary/feedback";
import { UUID_PATTERN } from "@/vocabulary/ids";
import type { SessionUser } from "~/modules/auth/session.server";
import { AppError, forbidden, notFound } from "~/modules/errors.server";
import { seesWholeLibrary } from "~/modules/library/audience.server";
import { ZodError, urlFilter, urlPage } from "~/modules/validation.server";
import { ReplyInput, reopenRating, replyToRating, resolveRating } from "./ratings.server";
import { RequestUpdate, updateRequest } from "./requests.server";

export const INBOX_PAGE_SIZE = 25;
export const INBOX_SHOW = ["unanswered", "replied", "resolved", "all"] as const;
export type InboxShow = (typeof INBOX_SHOW)[number];

export const INBOX_SORTS = ["newest", "oldest"] as const;

export const InboxQuery = z.object({
  /** Words in the item's title, the comment, the seller's name or their team's. */
  q: urlFilter(z.string().trim().max(200)),
  /** Newest first unless `oldest`: the feedback waiting longest for an answer. */
  sort: urlFilter(z.enum(INBOX_SORTS)),
  // `open` was the old default view's name (before "unanswered" and "replied" split it): same rows as both.
  show: z.preprocess((v) => (v === "open" ? undefined : v), z.enum(INBOX_SHOW).optional()).catch(undefined),
  item: urlFilter(z.string().regex(UUID_PATTERN)),
  reason: urlFilter(z.union([z.enum(RATING_REASONS), z.literal("none")])),
  page: urlPage,
  /** The rating shown in the detail pane. */
  open: urlFilter(z.string().regex(UUID_PATTERN)),
});
export type InboxQuery = z.infer<typeof InboxQuery>;
export const parseInboxQuery = (params: URLSearchParams) => InboxQuery.parse(Object.fromEntries(params));

const requireMarketing = (user: SessionUser) => {
  if (!seesWholeLibrary(user)) throw forbidden("Only marketing can answer feedback.");
};

const hasReply = sql`exists (select 1 from ${feedbackReplies} f where f.rating_id = ${ratings.id})`;

function inboxWhere(query: InboxQuery): SQL {
  const show = query.show ?? "unanswered";
  const pattern = query.q ? containsPattern(query.q) : undefined;
  return and(
    // Ratings that say something: a comment, or a "no".
    or(isNotNull(ratings.comment), eq(ratings.useful, false)),
    show === "unanswered" ? and(isNull(ratings.resolvedAt), sql`not ${hasReply}`) : undefined,
    show === "replied" ? and(isNull(ratings.resolvedAt), hasReply) : undefined,
    show === "resolved" ? isNotNull(ratings.resolvedAt) : undefined,
    query.item ? eq(ratings.itemId, query.item) : undefined,
    query.reason === "none"
      ? sql`cardinality(${ratings.reasons}) = 0`
      : query.reason
        ? sql`${query.reason} = any(${ratings.reasons})`
        : undefined,
    pattern
      ? or(
          ilike(ratings.comment, pattern),
          sql`exists (select 1 from ${items} i where i.id = ${ratings.itemId} and i.title ilike ${pattern})`,
          sql`exists (select 1 from ${users} u where u.id = ${ratings.userId} and u.name ilike ${pattern})`,
          sql`exists (select 1 from ${teams} t where t.id = ${ratings.teamId} and t.name ilike ${pattern})`,
        )
      : undefined,
  )!;
}

export type InboxLine = {
  id: string;
  itemId: string;
  itemTitle: string;
  versionNumber: number;
  useful: boolean;
  reasons: string[];
  /** The comment, cut to one line's worth; the pane shows it whole. */
  excerpt: string | null;
  at: Date;
  rater: string;
  team: string | null;
  resolvedAt: Date | null;
  replies: number;
};

const EXCERPT = 140;

/** What a rating shows in the inbox list and in its detail pane, with the joins that give it. */
const selectRatings = <T extends SelectedFields>(db: Db, more: T) =>
  db
    .select({
      id: ratings.id,
      itemId: ratings.itemId,
      itemTitle: items.title,
      versionNumber: itemVersions.number,
      useful: ratings.useful,
      reasons: ratings.reasons,
      at: ratings.at,
      rater: users.name,
      team: teams.name,
      resolvedAt: ratings.resolvedAt,
      ...more,
    })
    .from(ratings)
    .innerJoin(items, eq(items.id, ratings.itemId))
    .innerJoin(itemVersions, eq(itemVersions.id, ratings.versionId))
    .innerJoin(users, eq(users.id, ratings.userId))
    .leftJoin(teams, eq(teams.id, ratings.teamId));

/** One page of the inbox, newest first unless asked for the oldest, with the total and the item filtered on (for its name). */
export async function listInbox(db: Db, { user, query }: { user: SessionUser; query: InboxQuery }) {
  requireMarketing(user);
  const where = inboxWhere(query);
  const page = query.page ?? 1;
  const [rows, [{ total }], item] = await Promise.all([
    selectRatings(db, {
      excerpt: sql<string | null>`left(${ratings.comment}, ${EXCERPT + 1})`,
      replies: sql<number>`(select count(*) from ${feedbackReplies} f where f.rating_id = ${ratings.id})::int`,
    })
      .where(where)
      .orderBy(...(query.sort === "oldest" ? [asc(ratings.at), asc(ratings.id)] : [desc(ratings.at), desc(ratings.id)]))
      .limit(INBOX_PAGE_SIZE)
      .offset((page - 1) * INBOX_PAGE_SIZE),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(ratings)
      .where(where),
    query.item
      ? db
          .select({ id: items.id, title: items.title })
          .from(items)
          .where(eq(items.id, query.item))
          .then((r) => r[0] ?? null)
      : null,
  ]);
  const lines: InboxLine[] = rows.map((r) => ({
    ...r,
    excerpt: r.excerpt && r.excerpt.length > EXCERPT ? `${r.excerpt.slice(0, EXCERPT - 1)}…` : r.excerpt,
  }));
  return { rows: lines, total, page, pages: Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE)), item };
}

/** The rating opened in the detail pane: the whole comment, the replies, and versions to resolve with. */
export async function loadInboxRating(db: Db, { user, id }: { user: SessionUser; id: string }) {
  requireMarketing(user);
  const [row] = await selectRatings(db, {
    comment: ratings.comment,
    resolvedInVersion: sql<number | null>`(select v.number from ${itemVersions} v where v.id = ${ratings.resolvedVersionId})`,
  }).where(eq(ratings.id, id));
  if (!row) throw notFound("This feedback no longer exists.");
  const [replies, versions] = await Promise.all([
    db
      .select({ body: feedbackReplies.body, at: feedbackReplies.at, author: users.name })
      .from(feedbackReplies)
      .leftJoin(users, eq(users.id, feedbackReplies.authorId))
      .where(eq(feedbackReplies.ratingId, id))
      .orderBy(feedbackReplies.at, feedbackReplies.id),
    db
      .select({ id: itemVersions.id, number: itemVersions.number })
      .from(itemVersions)
      .where(and(eq(itemVersions.itemId, row.itemId), sql`${itemVersions.number} > ${row.versionNumber}`))
      .orderBy(desc(itemVersions.number)),
  ]);
  return { ...row, replies, newerVersions: versions };
}

export type InboxActionResult = { ok: string; target: string } | { error: string; target: string; status: number };

/** Reply, resolve, re-open, or move a request along: the forms of both inbox pages post here. */
export async function handleInboxAction(
  db: Db,
  { user, form }: { user: SessionUser; form: Record<string, string> },
): Promise<InboxActionResult> {
  const target = form.ratingId ?? form.requestId ?? "";
  try {
    switch (form.intent) {
      case "reply":
        await replyToRating(db, { user, ratingId: target, body: form.body ?? "" });
        return { ok: "Reply sent. The seller sees it on the item and on their requests page.", target };
      case "resolve": {
        // Both checked before either is written: a reply sent ahead of a refused resolve went out again
        // when the marketer corrected the version and pressed Resolve a second time.
        const body = form.body?.trim() ? ReplyInput.parse({ body: form.body }).body : null;
        await resolveRating(db, { user, ratingId: target, versionId: form.versionId || null });
        if (body) await replyToRating(db, { user, ratingId: target, body });
        return { ok: "Resolved.", target };
      }
      case "reopen":
        await reopenRating(db, { user, ratingId: target });
        return { ok: "Re-opened.", target };
      case "update-request":
        await updateRequest(db, {
          user,
          id: target,
          input: RequestUpdate.parse({ status: form.status, answerItemId: form.answerItemId, reply: form.body }),
        });
        return { ok: "Request updated.", target };
      default:
        return { error: "Unknown action.", target, status: 400 };
    }
  } catch (error) {
    if (error instanceof ZodError) return { error: error.issues.map((i) => i.message).join(" "), target, status: 400 };
    if (error instanceof AppError) return { error: error.message, target, status: error.status };
    throw error;
  }
}

/** Unused ids in a URL (a rating deleted with its item) show the list without a pane. */
export const paneOrNull = async (db: Db, user: SessionUser, id: string | undefined) =>
  id ? loadInboxRating(db, { user, id }).catch((e) => (e instanceof AppError && e.status === 404 ? null : Promise.reject(e))) : null;
