// "Request content": what the field could not find, its status, and the item that answered it.
import { and, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import { contentRequests, feedbackReplies, items, teams, users } from "@/db/schema";
import { REQUEST_STATUSES, type RequestStatus } from "@/vocabulary/feedback";
import { UUID_SOURCE, isUuid } from "@/vocabulary/ids";
import { urlFilter, urlPage, uuidSchema } from "~/modules/validation.server";
import { sessionUserById, type SessionUser } from "~/modules/auth/session.server";
import { AppError, forbidden, notFound } from "~/modules/errors.server";
import { seesWholeLibrary, visibleItemsWhere } from "~/modules/library/audience.server";
import { ReplyInput } from "./ratings.server";
import { normaliseQuery } from "@/search/query";
import { notifyFeedbackAnswered, notifyNewRequest, notifyRequestFulfilled } from "~/modules/notifications/producers.server";

export const RequestInput = z.object({
  text: z
    .string({ message: "Describe what you need." })
    .trim()
    .min(3, "Describe what you need in a few words.")
    .max(1_000, "Requests are limited to 1,000 characters."),
  query: z
    .string()
    .trim()
    .max(200, "The search text is limited to 200 characters.")
    .optional()
    .nullable()
    .transform((q) => (q ? q : null)),
  /** Client-chosen id (offline outbox): a re-sent request is stored once. */
  id: uuidSchema("id must be a UUID").optional(),
});
export type RequestInput = z.infer<typeof RequestInput>;

/** Open requests per seller; a runaway script should not bury marketing's inbox. */
const MAX_OPEN_PER_USER = 50;

export async function createRequest(db: Db, { user, input, now = new Date() }: { user: SessionUser; input: RequestInput; now?: Date }) {
  // A re-sent request (its answer lost on a bad connection) is answered as stored before the limit is
  // counted: the seller's 50th request, re-sent, would otherwise be refused although it is there.
  if (input.id) {
    const stored = await storedRequest(db, user, input.id);
    if (stored) return stored;
  }
  const [{ open }] = await db
    .select({ open: sql<number>`count(*)::int` })
    .from(contentRequests)
    .where(and(eq(contentRequests.userId, user.id), inArray(contentRequests.status, ["new", "planned"])));
  if (open >= MAX_OPEN_PER_USER) {
    // 409, not 429: waiting a minute does not help, and an offline outbox retries a 429 forever, holding
    // back everything queued behind it. Refused, it stays on the device with this message.
    throw new AppError("conflict", `You have ${open} open requests; wait for marketing to answer some first.`);
  }
  const [row] = await db
    .insert(contentRequests)
    .values({
      ...(input.id ? { id: input.id.toLowerCase() } : {}),
      userId: user.id,
      teamId: user.teamId,
      text: input.text,
      query: input.query,
      // The search log's form of the query, so the content-gap report can count requests per search.
      queryNorm: input.query ? normaliseQuery(input.query) || null : null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: contentRequests.id })
    .returning();
  if (row) await notifyNewRequest(db, row);
  if (row) return { ...row, created: true };
  return (await storedRequest(db, user, input.id!))!;
}

/** The request already stored under a client id, if this user's; someone else's id is a conflict. */
async function storedRequest(db: Db, user: SessionUser, id: string) {
  const [existing] = await db.select().from(contentRequests).where(eq(contentRequests.id, id.toLowerCase()));
  if (!existing) return null;
  if (existing.userId !== user.id) throw new AppError("conflict", "That request id is already taken; send a new UUID.");
  return { ...existing, created: false };
}

export type RequestView = {
  id: string;
  text: string;
  query: string | null;
  status: RequestStatus;
  createdAt: Date;
  closedAt: Date | null;
  requester: string;
  team: string | null;
  answer: { id: string; title: string } | null;
  replies: { body: string; at: Date; author: string | null }[];
};

async function withReplies(db: Db, rows: Omit<RequestView, "replies">[]): Promise<RequestView[]> {
  if (rows.length === 0) return [];
  const replies = await db
    .select({ requestId: feedbackReplies.requestId, body: feedbackReplies.body, at: feedbackReplies.at, author: users.name })
    .from(feedbackReplies)
    .leftJoin(users, eq(users.id, feedbackReplies.authorId))
    .where(
      inArray(
        feedbackReplies.requestId,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(feedbackReplies.at, feedbackReplies.id);
  return rows.map((r) => ({
    ...r,
    replies: replies.filter((p) => p.requestId === r.id).map(({ body, at, author }) => ({ body, at, author })),
  }));
}

const viewColumns = {
  id: contentRequests.id,
  text: contentRequests.text,
  query: contentRequests.query,
  status: contentRequests.status,
  createdAt: contentRequests.createdAt,
  closedAt: contentRequests.closedAt,
  requester: users.name,
  team: teams.name,
  answerId: items.id,
  answerTitle: items.title,
};

type ViewRow = { answerId: string | null; answerTitle: string | null } & Omit<RequestView, "replies" | "answer">;
const toView = ({ answerId, answerTitle, ...r }: ViewRow) => ({
  ...r,
  answer: answerId && answerTitle ? { id: answerId, title: answerTitle } : null,
});

/**
 * The requester's own list. The answering item is only linked when the requester may open it;
 * replies shown here count as read.
 */
/** The caller's requests matching `where`, newest first (or oldest), with marketing's replies. */
function myRequestRows(db: Db, user: SessionUser, where: SQL | undefined, order: "newest" | "oldest" = "newest") {
  return db
    .select(viewColumns)
    .from(contentRequests)
    .innerJoin(users, eq(users.id, contentRequests.userId))
    .leftJoin(teams, eq(teams.id, contentRequests.teamId))
    .leftJoin(items, and(eq(items.id, contentRequests.answerItemId), visibleItemsWhere(user)))
    .where(and(eq(contentRequests.userId, user.id), where))
    .orderBy(
      ...(order === "oldest"
        ? [contentRequests.createdAt, contentRequests.id]
        : [desc(contentRequests.createdAt), desc(contentRequests.id)]),
    );
}

/** Looking at one's requests reads marketing's replies to every one of them, on this page or not. */
async function markRequestRepliesRead(db: Db, user: SessionUser, now: Date) {
  await db
    .update(feedbackReplies)
    .set({ readAt: now })
    .where(and(eq(feedbackReplies.recipientId, user.id), isNull(feedbackReplies.readAt), sql`${feedbackReplies.requestId} is not null`));
}

/** The API's list: the caller's latest 200 requests. */
export async function listMyRequests(db: Db, { user, now = new Date() }: { user: SessionUser; now?: Date }): Promise<RequestView[]> {
  const views = await withReplies(db, (await myRequestRows(db, user, undefined).limit(200)).map(toView));
  await markRequestRepliesRead(db, user, now);
  return views;
}

export const MY_REQUESTS_PAGE_SIZE = 20;
export const MyRequestsQuery = z.object({
  /** Part of what was asked, or of the search it started from. */
  q: urlFilter(z.string().trim().min(1).max(200)),
  show: urlFilter(z.enum(["open", ...REQUEST_STATUSES])),
  sort: urlFilter(z.enum(["oldest"])),
  page: urlPage,
});
export type MyRequestsQuery = z.infer<typeof MyRequestsQuery>;

/** "My requests" a page at a time: found by what was asked and by status, newest first unless asked. */
export async function listMyRequestPage(
  db: Db,
  { user, query, now = new Date() }: { user: SessionUser; query: MyRequestsQuery; now?: Date },
): Promise<{ rows: RequestView[]; total: number; page: number; pages: number }> {
  const p = query.q ? containsPattern(query.q) : undefined;
  const where = and(
    p ? or(ilike(contentRequests.text, p), ilike(contentRequests.query, p)) : undefined,
    query.show === "open"
      ? inArray(contentRequests.status, ["new", "planned"])
      : query.show
        ? eq(contentRequests.status, query.show)
        : undefined,
  );
  const page = query.page ?? 1;
  const [rows, [{ total }]] = await Promise.all([
    myRequestRows(db, user, where, query.sort === "oldest" ? "oldest" : "newest")
      .limit(MY_REQUESTS_PAGE_SIZE)
      .offset((page - 1) * MY_REQUESTS_PAGE_SIZE),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(contentRequests)
      .where(and(eq(contentRequests.userId, user.id), where)),
  ]);
  const views = await withReplies(db, rows.map(toView));
  await markRequestRepliesRead(db, user, now);
  return { rows: views, total, page, pages: Math.max(1, Math.ceil(total / MY_REQUESTS_PAGE_SIZE)) };
}

/** Marketing's view of every request (optionally one status), oldest open first. */
export async function listRequests(
  db: Db,
  { user, status, limit = 200 }: { user: SessionUser; status?: RequestStatus | "open"; limit?: number },
): Promise<RequestView[]> {
  if (!seesWholeLibrary(user)) throw forbidden("Only marketing manages content requests.");
  const rows = await db
    .select(viewColumns)
    .from(contentRequests)
    .innerJoin(users, eq(users.id, contentRequests.userId))
    .leftJoin(teams, eq(teams.id, contentRequests.teamId))
    .leftJoin(items, eq(items.id, contentRequests.answerItemId))
    .where(
      status === "open" ? inArray(contentRequests.status, ["new", "planned"]) : status ? eq(contentRequests.status, status) : undefined,
    )
    .orderBy(status === "open" ? contentRequests.createdAt : desc(contentRequests.createdAt), contentRequests.id)
    .limit(Math.min(Math.max(limit, 1), 500));
  return withReplies(db, rows.map(toView));
}

/**
 * One page of marketing's request list (the Requests page): open ones oldest first, closed newest first;
 * `q` finds part of what was asked, of the search that came up empty, or of the requester's name.
 */
export async function listRequestPage(
  db: Db,
  {
    user,
    status,
    q,
    page = 1,
    pageSize = 20,
    order,
  }: { user: SessionUser; status?: RequestStatus | "open"; q?: string; page?: number; pageSize?: number; order?: "oldest" | "newest" },
): Promise<{ rows: RequestView[]; total: number; page: number; pages: number }> {
  if (!seesWholeLibrary(user)) throw forbidden("Only marketing manages content requests.");
  const p = q ? containsPattern(q) : undefined;
  const where = and(
    status === "open" ? inArray(contentRequests.status, ["new", "planned"]) : status ? eq(contentRequests.status, status) : undefined,
    p
      ? or(
          ilike(contentRequests.text, p),
          ilike(contentRequests.query, p),
          sql`exists (select 1 from ${users} u where u.id = ${contentRequests.userId} and u.name ilike ${p})`,
        )
      : undefined,
  );
  // Unless asked: open requests oldest first (nobody is answered last forever), closed ones newest first.
  const oldestFirst = order ? order === "oldest" : status === "open" || status === "new" || status === "planned";
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(viewColumns)
      .from(contentRequests)
      .innerJoin(users, eq(users.id, contentRequests.userId))
      .leftJoin(teams, eq(teams.id, contentRequests.teamId))
      .leftJoin(items, eq(items.id, contentRequests.answerItemId))
      .where(where)
      .orderBy(oldestFirst ? contentRequests.createdAt : desc(contentRequests.createdAt), contentRequests.id)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(contentRequests)
      .where(where),
  ]);
  return { rows: await withReplies(db, rows.map(toView)), total, page, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

export const RequestUpdate = z.object({
  status: z.enum(REQUEST_STATUSES, { message: `status must be one of ${REQUEST_STATUSES.join(", ")}` }),
  /** Absent keeps the linked item; an empty field unlinks it (a wrong item linked by mistake). */
  answerItemId: z
    .string()
    .trim()
    .optional()
    .nullable()
    .transform((v) => (v === undefined ? undefined : v || null)),
  reply: z
    .string()
    .trim()
    .max(2_000)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null)),
});
export type RequestUpdate = z.infer<typeof RequestUpdate>;

/** Marketing moves a request along; "done" needs the item that answers it. */
export async function updateRequest(
  db: Db,
  { user, id, input, now = new Date() }: { user: SessionUser; id: string; input: RequestUpdate; now?: Date },
) {
  if (!seesWholeLibrary(user)) throw forbidden("Only marketing manages content requests.");
  if (!isUuid(id)) throw notFound("No such request.");
  const [request] = await db.select().from(contentRequests).where(eq(contentRequests.id, id)).limit(1);
  if (!request) throw notFound("This request no longer exists.");
  let answerItemId = input.answerItemId;
  if (answerItemId) {
    const link = answerItemId.match(new RegExp(UUID_SOURCE, "i"));
    const [item] = link ? await db.select({ id: items.id }).from(items).where(eq(items.id, link[0].toLowerCase())) : [];
    if (!item) throw new AppError("unprocessable", "No item has that id or link. Paste the item's address or id.");
    answerItemId = item.id;
  }
  if (answerItemId === undefined) answerItemId = request.answerItemId;
  if (input.status === "done" && !answerItemId) {
    throw new AppError("unprocessable", "Link the item that answers this request before marking it done.");
  }
  const closing = input.status === "done" || input.status === "declined";
  const [row] = await db
    .update(contentRequests)
    .set({
      status: input.status,
      answerItemId,
      updatedAt: now,
      // Closed when it reached this status: declined in January and done in March was done in March.
      closedAt: closing ? (request.status === input.status ? (request.closedAt ?? now) : now) : null,
    })
    .where(eq(contentRequests.id, id))
    .returning();
  if (row.status === "done" && request.status !== "done") {
    // Named only when the requester may open it: a draft or another team's item linked as the answer put
    // its title in their notification (and mail, and push), which the request list itself never shows.
    const requester = await sessionUserById(db, row.userId);
    const seen =
      requester && row.answerItemId
        ? await db
            .select({ id: items.id })
            .from(items)
            .where(and(eq(items.id, row.answerItemId), visibleItemsWhere(requester)))
        : [];
    await notifyRequestFulfilled(db, { ...row, answerItemId: seen.length ? row.answerItemId : null });
  }
  if (input.reply) {
    const [reply] = await db
      .insert(feedbackReplies)
      .values({
        requestId: id,
        recipientId: request.userId,
        authorId: user.id,
        body: ReplyInput.parse({ body: input.reply }).body,
        at: now,
      })
      .returning();
    await notifyFeedbackAnswered(db, reply);
  }
  return row;
}
