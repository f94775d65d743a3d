// What the signed-in shell shows around every page: who is signed in and the three counts in its navigation.
import { getUser } from "~/modules/auth/guard.server";
import { publicUser, type SessionUser } from "~/modules/auth/session.server";
import { unreadReplyCount } from "~/modules/feedback/ratings.server";
import { awaitingReviewCountOnce } from "~/modules/library/review.server";
import { unreadNotificationCount } from "~/modules/notifications/notify.server";
import type { AppContext } from "~/modules/context.server";

export async function loadShell(ctx: AppContext, request: Request, user: SessionUser) {
  // Marketing's replies to this seller's ratings and requests (the badge on Me) and the unread
  // notifications (the bell): the session look-up already counted both in the same statement
  // (decision 022); an API token did not.
  const found = await getUser(ctx, request);
  const [unread, reviews, notifications] = await Promise.all([
    user.role === "seller" ? (found?.unreadReplies ?? unreadReplyCount(ctx.db, { user })) : 0,
    // Items waiting for this user's review, for the count beside Review in the navigation.
    awaitingReviewCountOnce(ctx, user),
    found?.unreadNotifications ?? unreadNotificationCount(ctx.db, { user }),
  ]);
  return { user: publicUser(user), unread, reviews, notifications };
}

export type ShellData = Awaited<ReturnType<typeof loadShell>>;
