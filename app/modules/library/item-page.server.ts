// The item page's data in one statement: the item, its current version, owner, tags, audiences and the
// viewer's own ratings and marketing's replies to them. It is the page sellers open most, so the
// statement is built once per database handle and run with placeholders: no per-request query
// building, one round trip (decision 022).
import { itemAudiencesJson, itemTagsJson } from "./item-json.server";
import { eq, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { feedbackReplies, itemVersions, items, ratings, sessions, users } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { hashToken } from "~/modules/auth/tokens.server";
import { notFound } from "~/modules/errors.server";
import { itemFeedbackFrom, type MyRatingRow, type MyReplyRow } from "~/modules/feedback/item-feedback.server";
import { seesWholeLibrary, visibilityParams, visibleItemsWhereForViewer, visibleItemsWherePrepared } from "./audience.server";
import { isUuid } from "@/vocabulary/ids";
import { VERSION_COLUMNS, countVersionsAndHistory, itemDetailFrom, versionsAndHistory } from "./item-detail.server";

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** The viewer as a users row: the session's user (one round trip with the look-up), or the one given. */
const viewer = alias(users, "viewer");
type Mode = "session" | "user";

function buildStatement(db: Db, mode: Mode) {
  const viewerId = mode === "session" ? sql`${viewer.id}` : sql`${sql.placeholder("userId")}::uuid`;
  const query = db
    .select({
      viewerId,
      item: items,
      current: VERSION_COLUMNS,
      ownerName: users.name,
      tags: itemTagsJson(),
      audiences: itemAudiencesJson(),
      mine: sql<Json<MyRatingRow>[]>`coalesce((
        select json_agg(json_build_object('id', r.id, 'versionId', r.version_id, 'versionNumber', rv.number, 'useful', r.useful,
                 'reasons', r.reasons, 'comment', r.comment, 'at', r.at,
                 'resolvedInVersion', (select v2.number from ${itemVersions} v2 where v2.id = r.resolved_version_id)) order by rv.number desc)
        from ${ratings} r join ${itemVersions} rv on rv.id = r.version_id
        where r.item_id = ${items.id} and r.user_id = ${viewerId}), '[]'::json)`,
      replies: sql<Json<MyReplyRow>[]>`coalesce((
        select json_agg(json_build_object('id', fr.id, 'ratingId', fr.rating_id, 'body', fr.body, 'at', fr.at,
                 'author', au.name, 'readAt', fr.read_at) order by fr.at, fr.id)
        from ${feedbackReplies} fr left join ${users} au on au.id = fr.author_id
        where fr.rating_id in (select r.id from ${ratings} r where r.item_id = ${items.id} and r.user_id = ${viewerId})), '[]'::json)`,
    })
    .from(items)
    .leftJoin(
      itemVersions,
      eq(itemVersions.id, sql`(select v.id from ${itemVersions} v where v.item_id = ${items.id} order by v.number desc limit 1)`),
    )
    .leftJoin(users, eq(users.id, items.ownerId));
  const byItem = sql`${items.id} = ${sql.placeholder("itemId")}::uuid`;
  if (mode === "user")
    return query
      .where(sql`${byItem} and ${visibleItemsWherePrepared()}`)
      .limit(1)
      .prepare("item_page");
  return query
    .innerJoin(
      viewer,
      sql`${viewer.id} = (select s.user_id from ${sessions} s where s.token_hash = ${sql.placeholder("tokenHash")} and s.expires_at > now())`,
    )
    .where(sql`${byItem} and ${viewer.active} and ${visibleItemsWhereForViewer()}`)
    .limit(1)
    .prepare("item_page_session");
}

const statements = {
  session: new WeakMap<Db, ReturnType<typeof buildStatement>>(),
  user: new WeakMap<Db, ReturnType<typeof buildStatement>>(),
};
function statement(db: Db, mode: Mode) {
  let found = statements[mode].get(db);
  if (!found) statements[mode].set(db, (found = buildStatement(db, mode)));
  return found;
}

/** What the page lists of a long-lived item's versions and history unless asked for all of them. */
export const PAGE_VERSIONS = 10;
export const PAGE_HISTORY = 20;

/**
 * Everything the item page shows to this viewer, or a 404 when they may not see it. With the browser's
 * session token the statement goes out at once, beside the session look-up that `user` waits for
 * (one round trip instead of two); it is used only when it ran for that same user. Marketers and
 * admins also get every version and the history (two more statements, at once).
 */
export async function loadItemPage(
  db: Db,
  viewerPromise: Promise<SessionUser>,
  itemId: string,
  sessionToken: string | null,
  { allVersions = false, allHistory = false }: { allVersions?: boolean; allHistory?: boolean } = {},
) {
  const valid = isUuid(itemId);
  // NOTE: both promises get their handlers here, before anything can throw: a rejected `viewerPromise`
  // (the sign-in redirect) left unhandled would end the process.
  const [user, early] = await Promise.all([
    viewerPromise,
    valid && sessionToken ? statement(db, "session").execute({ itemId, tokenHash: hashToken(sessionToken) }) : null,
  ]);
  if (!valid) throw notFound("This item doesn't exist or isn't shared with your team.");
  const [row] =
    early?.[0]?.viewerId === user.id ? early : await statement(db, "user").execute({ itemId, userId: user.id, ...visibilityParams(user) });
  if (!row) throw notFound("This item doesn't exist or isn't shared with your team.");
  const desk = seesWholeLibrary(user);
  const limit = { versions: allVersions ? undefined : PAGE_VERSIONS, history: allHistory ? undefined : PAGE_HISTORY };
  const [lists, counts] = desk
    ? await Promise.all([versionsAndHistory(db, itemId, limit), countVersionsAndHistory(db, itemId)])
    : [null, null];
  const { bodyMd: _source, ...detail } = itemDetailFrom(row, desk, lists ?? [[], []]);
  // How many more there are than the page lists (0 when it lists them all).
  const more = { versions: (counts?.versions ?? 0) - detail.versions.length, history: (counts?.history ?? 0) - detail.history.length };
  // --- feedback (app/modules/feedback): "Was this useful?" for published items ---
  const feedback =
    detail.item.status === "published"
      ? await itemFeedbackFrom(db, {
          user,
          itemId: detail.item.id,
          current: detail.current ? { versionId: detail.current.id, versionNumber: detail.current.number } : undefined,
          mineRows: row.mine.map((r) => ({ ...r, at: new Date(r.at) })),
          replies: row.replies.map((r) => ({ ...r, at: new Date(r.at), readAt: r.readAt === null ? null : new Date(r.readAt) })),
        })
      : null;
  // --- end feedback ---
  return { ...detail, desk, feedback, more };
}
