// Creating notifications (one function every producer calls) and reading them back: the caller's list,
// newest first, marking read, the unread count. Each person's preferences decide, per kind, whether it
// shows in the app and how it is mailed: at once (queued now, in the producer's transaction), in a
// daily or weekly digest (digests.server.ts picks those up), or not at all.
import { and, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { enqueueJob } from "@/content/jobs";
import type { Db } from "@/db/client";
import { jobs, notificationSettings, notifications, users, type NotificationKind } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { AppError } from "~/modules/errors.server";
import { itemKeyOpenableBy, notificationItemKey, notificationItemOpenable, shownNotification } from "./about-item.server";
import { KINDS, TOLD_ONE_BY_ONE, resolvePrefs } from "./kinds.server";

type AnyDb = PgDatabase<PgQueryResultHKT, any>;

export const SEND_PUSH_JOB = "send_push";
/** Renders and queues the mail of a notification set to "immediate" (the job knows PUBLIC_URL; producers need not). */
export const MAIL_NOTIFICATION_JOB = "mail_notification";

export type NewNotification = {
  to: string | string[];
  kind: NotificationKind;
  title: string;
  body?: string;
  /** A path inside Fieldkit (`/items/…`); mails make it absolute with PUBLIC_URL. */
  url?: string | null;
  /** Notify each person once per key (e.g. `item_expiring:<item>:<expiry day>`). */
  dedupeKey?: string;
  now?: Date;
};

/**
 * Notifies every active person in `to` as their preferences say. Call inside the producer's transaction:
 * the notification, its mail and its push job exist exactly when the change does. Returns the ids created
 * (none for people who turned the kind off, or who already had one with this `dedupeKey`).
 */
export async function notify(db: AnyDb, n: NewNotification): Promise<number[]> {
  const ids = [...new Set(Array.isArray(n.to) ? n.to : [n.to])];
  if (ids.length === 0) return [];
  const people = await db
    .select({ id: users.id, prefs: notificationSettings.prefs, push: notificationSettings.pushEnabled })
    .from(users)
    .leftJoin(notificationSettings, eq(notificationSettings.userId, users.id))
    .where(and(inArray(users.id, ids), eq(users.active, true)));
  const created: number[] = [];
  const now = n.now ?? new Date();
  for (const person of people) {
    const pref = resolvePrefs(person.prefs)[n.kind];
    if (!pref.inApp && pref.email === "off") continue;
    const push = pref.inApp && person.push && (await pushAllowed(db, person.id, n.kind, now));
    const [row] = await db
      .insert(notifications)
      .values({
        userId: person.id,
        kind: n.kind,
        title: n.title,
        body: n.body ?? "",
        url: n.url ?? null,
        inApp: pref.inApp,
        email: pref.email,
        dedupeKey: n.dedupeKey ?? null,
        pushedAt: push ? now : null,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: notifications.id });
    if (!row) continue;
    created.push(row.id);
    if (pref.email === "immediate") await enqueueJob(db, MAIL_NOTIFICATION_JOB, { id: row.id }, { maxAttempts: 3 });
    if (push) await enqueueJob(db, SEND_PUSH_JOB, { id: row.id }, { maxAttempts: 3 });
  }
  return created;
}

/**
 * Under the kind's daily push limit: the pushes of the last 24 hours are counted, not the notices (a
 * seller told every few hours all day would otherwise never be pushed again).
 */
async function pushAllowed(db: AnyDb, userId: string, kind: NotificationKind, now: Date): Promise<boolean> {
  const limit = KINDS[kind].pushesPerDay;
  if (limit === undefined) return true;
  const since = new Date(now.getTime() - 86_400_000).toISOString();
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, userId),
        eq(notifications.kind, kind),
        // A push is queued when its notice is made: the person's notices of the day (an index) hold them.
        sql`${notifications.createdAt} > ${since}::timestamptz`,
        sql`${notifications.pushedAt} > ${since}::timestamptz`,
      ),
    );
  return n < limit;
}

/**
 * `notify` for a producer whose own statement decides who is told (a first open found while storing a
 * buyer's events): CTEs to append to that statement, so the notice, its mail and its push job are written
 * with the change, in the same round trip. `recipients` yields (user_id, title, body, url, dedupe_key).
 * NOTE: the preferences are resolved here as `resolvePrefs` does, from the same KINDS table; the
 * notifications tests run both paths.
 */
export function notifyCtes(kind: NotificationKind, recipients: SQL, now: Date): SQL {
  const info = KINDS[kind];
  const stored = sql`ns.prefs -> ${kind}::text`;
  const choices = sql.join(
    info.emailChoices.map((c) => sql`${c}::text`),
    sql`, `,
  );
  const at = sql`${now.toISOString()}::timestamptz`;
  return sql`
    notice_to as (
      select r.user_id, r.title, r.body, r.url, r.dedupe_key,
        case when jsonb_typeof(${stored} -> 'inApp') = 'boolean' then (${stored} ->> 'inApp')::boolean else ${info.defaults.inApp}::boolean end as in_app,
        case when ${stored} ->> 'email' in (${choices}) then ${stored} ->> 'email' else ${info.defaults.email}::text end as email,
        coalesce(ns.push_enabled, false) as push
      from (${recipients}) r join ${users} u on u.id = r.user_id and u.active
      left join ${notificationSettings} ns on ns.user_id = r.user_id
    ),
    notice as (
      insert into ${notifications} (user_id, kind, title, body, url, in_app, email, dedupe_key, pushed_at, created_at)
      select user_id, ${kind}::text, title, body, url, in_app, email, dedupe_key, case when in_app and push then ${at} end, ${at}
      from notice_to where in_app or email <> 'off'
      on conflict do nothing
      returning id, user_id, in_app, email, pushed_at
    ),
    notice_jobs as (
      insert into ${jobs} (kind, payload, run_at, max_attempts)
      select ${MAIL_NOTIFICATION_JOB}::text, jsonb_build_object('id', n.id), ${at}, 3 from notice n where n.email = 'immediate'
      union all
      select ${SEND_PUSH_JOB}::text, jsonb_build_object('id', n.id), ${at}, 3 from notice n where n.pushed_at is not null
    )`;
}

export type NotificationView = {
  id: number;
  kind: NotificationKind;
  title: string;
  body: string;
  url: string | null;
  createdAt: Date;
  read: boolean;
};

export const NOTIFICATIONS_PAGE_SIZE = 30;

const openable = notificationItemOpenable({ userId: notifications.userId, url: notifications.url });

/**
 * Marks read the person's unread notifications about an item they can no longer open: they would hold the
 * bell until opened, and opening one leads nowhere. Done when the list is looked at, not in the bell's
 * count on every page (see auth/session.server.ts); the unread rows are grouped by the item they name, so
 * the item page's rule runs once per item (5,000 unread: ~5 ms).
 */
async function markUnopenableRead(db: Db, userId: string) {
  await db.execute(sql`
    update ${notifications} nn set read_at = now()
    from (select k.item_key from (select distinct ${notificationItemKey(sql`u.url`)} as item_key from ${notifications} u
            where u.user_id = ${userId} and u.in_app and u.read_at is null) k
          where not ${itemKeyOpenableBy(sql`${userId}::uuid`, sql`k.item_key`)}) hidden
    where nn.user_id = ${userId} and nn.in_app and nn.read_at is null and ${notificationItemKey(sql`nn.url`)} = hidden.item_key`);
}

/** The caller's in-app notifications, newest first, keyset-paged by id (`before`), each as they may see it now. */
export async function listNotifications(
  db: Db,
  {
    user,
    before,
    limit = NOTIFICATIONS_PAGE_SIZE,
    unreadOnly = false,
  }: { user: Pick<SessionUser, "id">; before?: number; limit?: number; unreadOnly?: boolean },
): Promise<{ notifications: NotificationView[]; next: number | null }> {
  const take = Math.min(Math.max(limit, 1), 100);
  await markUnopenableRead(db, user.id);
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      url: notifications.url,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      openable: sql<boolean>`${openable}`,
    })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, user.id),
        eq(notifications.inApp, true),
        before ? lt(notifications.id, before) : undefined,
        unreadOnly ? isNull(notifications.readAt) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(take + 1);
  const page = rows
    .slice(0, take)
    .map(({ readAt, openable, ...r }) => ({ ...shownNotification(r, openable), read: readAt !== null || !openable }));
  return { notifications: page, next: rows.length > take ? page[page.length - 1].id : null };
}

export type NotificationEntry =
  | ({ burst: false } & NotificationView)
  | { burst: true; id: number; kind: NotificationKind; title: string; createdAt: Date; unread: number; notices: NotificationView[] };

const BURST_SPAN_MS = 86_400_000;

/**
 * A page of the list with its bursts gathered: more than `TOLD_ONE_BY_ONE` notices in a row of a kind that
 * comes in bursts (thirty new versions published in an afternoon), within a day of the newest, are one
 * entry that counts them and opens to each; a reply that came among them was lost in thirty lines. Nothing
 * is merged in the database: each notice keeps its link, its read state and its place in the API's list.
 */
export function gatherBursts(list: NotificationView[]): NotificationEntry[] {
  const entries: NotificationEntry[] = [];
  for (let i = 0; i < list.length;) {
    const first = list[i];
    const title = KINDS[first.kind].burstTitle;
    let end = i + 1;
    while (
      title &&
      end < list.length &&
      list[end].kind === first.kind &&
      new Date(first.createdAt).getTime() - new Date(list[end].createdAt).getTime() <= BURST_SPAN_MS
    )
      end++;
    const run = list.slice(i, end);
    if (title && run.length > TOLD_ONE_BY_ONE) {
      const unread = run.filter((n) => !n.read).length;
      entries.push({
        burst: true,
        id: first.id,
        kind: first.kind,
        title: title(run.length),
        createdAt: first.createdAt,
        unread,
        notices: run,
      });
    } else entries.push(...run.map((n) => ({ burst: false as const, ...n })));
    i = end;
  }
  return entries;
}

/** The bell's count for an API token (a browser session's comes with its look-up: auth/session.server.ts). */
export async function unreadNotificationCount(db: Db, { user }: { user: Pick<SessionUser, "id"> }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, user.id), eq(notifications.inApp, true), isNull(notifications.readAt)));
  return row.n;
}

/**
 * The one notification, if it is the caller's: for following its link. Marks it read. Its link as they
 * may see it now: an item they can no longer open would only answer 404.
 */
export async function openNotification(db: Db, { user, id, now = new Date() }: { user: Pick<SessionUser, "id">; id: number; now?: Date }) {
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, user.id)))
    .returning({
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      url: notifications.url,
      openable: sql<boolean>`${openable}`,
    });
  return row ? { url: shownNotification(row, row.openable).url } : null;
}

/** Marks the caller's own notifications read (`ids`, or every one); others' ids are ignored. Returns how many changed. */
export async function markNotificationsRead(
  db: Db,
  { user, ids, all = false, now = new Date() }: { user: Pick<SessionUser, "id">; ids?: number[]; all?: boolean; now?: Date },
) {
  if (!all && (!ids || ids.length === 0)) throw new AppError("bad_request", "Say which notifications to mark read: ids, or all.");
  if (ids && ids.length > 500) throw new AppError("bad_request", "Mark at most 500 notifications at once, or all.");
  const changed = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, user.id), isNull(notifications.readAt), all ? undefined : inArray(notifications.id, ids!)))
    .returning({ id: notifications.id });
  return changed.length;
}
