// Web Push (VAPID, the `web-push` package): a person's browsers subscribe from Me, and a job sends each
// in-app notification to them. A subscription the push service calls gone (404/410) is deleted; when no
// browser took a notification, it falls back to mail (unless it is mailed anyway, at once or in a digest).
import type { Agent } from "node:https";
import { and, eq, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import webpush from "web-push";
import { z } from "zod";
import type { Db } from "@/db/client";
import { notificationSettings, notifications, pushSubscriptions, users } from "@/db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import { AppError } from "~/modules/errors.server";
import { notificationItemOpenable, shownNotification } from "./about-item.server";
import { mailNotification } from "./mail-notification.server";

export type VapidSettings = { publicKey: string; privateKey: string; subject: string };

const base64url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, "must be base64url");

export const SubscriptionInput = z.object({
  endpoint: z.url({ protocol: /^https?$/, error: "endpoint must be the push service's https:// URL" }).max(2_000),
  keys: z.object({ p256dh: base64url.min(80).max(100), auth: base64url.min(16).max(30) }),
});

/**
 * The push services of Chrome, Edge and Android (FCM), Firefox, Windows and Safari: each endpoint a browser
 * hands out is on one of these hosts or below them.
 */
export const BROWSER_PUSH_SERVICES = ["fcm.googleapis.com", "push.services.mozilla.com", "notify.windows.com", "push.apple.com"];

const isPushService = (host: string, extra: readonly string[]) =>
  [...BROWSER_PUSH_SERVICES, ...extra].some((known) => host === known || host.endsWith(`.${known}`));

/**
 * Saves this browser's subscription for the caller (a browser that changed hands moves to the new
 * account) and turns push on. Push services speak https only (and web-push sends nothing else).
 * `pushServiceHosts`: services accepted beyond the browsers' own (PUSH_SERVICE_HOSTS).
 */
export async function subscribePush(
  db: Db,
  {
    user,
    input,
    userAgent,
    pushServiceHosts,
  }: { user: Pick<SessionUser, "id">; input: unknown; userAgent?: string | null; pushServiceHosts: readonly string[] },
) {
  const sub = SubscriptionInput.parse(input);
  if (!sub.endpoint.startsWith("https://")) throw new AppError("bad_request", "endpoint must be an https:// URL.");
  // NOTE: the server POSTs to this URL for every notification, retried on errors: any URL would let a
  // signed-in person make it call hosts inside the network (and read from Me whether they answered).
  const host = new URL(sub.endpoint).hostname.toLowerCase();
  if (!isPushService(host, pushServiceHosts)) {
    throw new AppError("bad_request", `endpoint must be a browser push service's; ${host} is not one (PUSH_SERVICE_HOSTS adds others).`);
  }
  await db.transaction(async (tx) => {
    // A browser that changed hands: its previous person loses it, and push with it when it was their last,
    // or each of their notifications found no browser and fell back to mail, kinds set to "no mail" too.
    const [previous] = await tx
      .select({ userId: pushSubscriptions.userId })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.endpoint, sub.endpoint))
      .for("update");
    if (previous && previous.userId !== user.id) await forgetPushBrowsers(tx, { userId: previous.userId, endpoint: sub.endpoint });
    await tx
      .insert(pushSubscriptions)
      .values({
        userId: user.id,
        endpoint: sub.endpoint,
        p256dh: sub.keys.p256dh,
        auth: sub.keys.auth,
        userAgent: userAgent?.slice(0, 300) ?? null,
      })
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { userId: user.id, p256dh: sub.keys.p256dh, auth: sub.keys.auth, userAgent: userAgent?.slice(0, 300) ?? null },
      });
    await tx
      .insert(notificationSettings)
      .values({ userId: user.id, pushEnabled: true })
      .onConflictDoUpdate({ target: notificationSettings.userId, set: { pushEnabled: true, updatedAt: new Date() } });
    await recordAudit(tx, {
      actor: user,
      action: "push.subscribed",
      targetType: "user",
      targetId: user.id,
      details: { host: new URL(sub.endpoint).host },
    });
  });
}

/**
 * Deletes `userId`'s browser `endpoint`, or every one of their browsers without it, and turns push off when
 * none is left (as the push service's 410 does): left on, each later notification found no browser and fell
 * back to mail. Returns how many went; the caller holds the transaction.
 */
export async function forgetPushBrowsers(
  db: PgDatabase<PgQueryResultHKT, any>,
  { userId, endpoint }: { userId: string; endpoint?: string | null },
): Promise<number> {
  const removed = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), endpoint ? eq(pushSubscriptions.endpoint, endpoint) : undefined))
    .returning({ id: pushSubscriptions.id });
  await pushOffWhenNoBrowserLeft(db, userId);
  return removed.length;
}

async function pushOffWhenNoBrowserLeft(db: PgDatabase<PgQueryResultHKT, any>, userId: string) {
  const left = await db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId)).limit(1);
  if (left.length === 0)
    await db.update(notificationSettings).set({ pushEnabled: false, updatedAt: new Date() }).where(eq(notificationSettings.userId, userId));
}

/**
 * Whether the caller's push goes to `endpoint`: a browser's own subscription says nothing of that, since the
 * server forgets one the push service called gone (404/410), one signed out, or one that moved to another account.
 */
export async function holdsPushBrowser(db: Db, { user, endpoint }: { user: Pick<SessionUser, "id">; endpoint: string }): Promise<boolean> {
  const [row] = await db
    .select({ id: pushSubscriptions.id })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, user.id), eq(pushSubscriptions.endpoint, endpoint)))
    .limit(1);
  return row !== undefined;
}

/** Forgets one browser (`endpoint`) or, without one, every browser of the caller; push is off when none is left. */
export async function unsubscribePush(db: Db, { user, endpoint }: { user: Pick<SessionUser, "id">; endpoint?: string | null }) {
  await db.transaction(async (tx) => {
    const removed = await forgetPushBrowsers(tx, { userId: user.id, endpoint });
    if (removed)
      await recordAudit(tx, {
        actor: user,
        action: "push.unsubscribed",
        targetType: "user",
        targetId: user.id,
        details: { browsers: removed },
      });
  });
}

export type PushOutcome = { delivered: number; gone: number; fellBack: boolean };

/** Sends notification `id` to every browser of its person. Throws (the job retries) when a push service failed otherwise. */
export async function sendPush(
  db: Db,
  { id, vapid, publicUrl, agent }: { id: number; vapid: VapidSettings; publicUrl: string; agent?: Agent },
): Promise<PushOutcome> {
  const [n] = await db
    .select({
      id: notifications.id,
      userId: notifications.userId,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      url: notifications.url,
      readAt: notifications.readAt,
      email: notifications.email,
      mailedAt: notifications.mailedAt,
      to: users.email,
      openable: sql<boolean>`${notificationItemOpenable({ userId: notifications.userId, url: notifications.url })}`,
    })
    .from(notifications)
    // Only to someone still active: a job queued (or retried) before a deactivation must not reach the
    // former employee's phone with an item's title.
    .innerJoin(users, and(eq(users.id, notifications.userId), eq(users.active, true)))
    .where(eq(notifications.id, id));
  if (!n || n.readAt) return { delivered: 0, gone: 0, fellBack: false };
  const subs = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, n.userId));
  // As it may be seen when it is sent (a job waits, and retries): a lock screen is the last place for a title the item lost.
  const shown = shownNotification(n, n.openable);
  const payload = JSON.stringify({
    title: shown.title,
    body: shown.body,
    url: `${publicUrl}${shown.url ?? "/notifications"}`,
    tag: `fk-${n.id}`,
  });
  let delivered = 0;
  let gone = 0;
  let failure: unknown = null;
  for (const s of subs) {
    try {
      await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, payload, {
        vapidDetails: vapid,
        TTL: 24 * 3600,
        timeout: 10_000,
        ...(agent ? { agent } : {}),
      });
      delivered++;
      await db.update(pushSubscriptions).set({ lastSentAt: new Date() }).where(eq(pushSubscriptions.id, s.id));
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        gone++;
        await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, s.id));
      } else {
        failure = error;
      }
    }
  }
  if (delivered === 0 && failure) throw failure;
  // The push service dropped the last browser: push is off now, as when the person unsubscribes it. Left on,
  // every later notification found no browser and fell back to mail, kinds they had set to "no mail" too.
  if (gone > 0) await pushOffWhenNoBrowserLeft(db, n.userId);
  // Nobody's browser took it: mail it now unless the person gets it by mail anyway.
  const fellBack = delivered === 0 && n.email === "off" && !n.mailedAt;
  if (fellBack) await mailNotification(db, { id: n.id, publicUrl });
  return { delivered, gone, fellBack };
}
