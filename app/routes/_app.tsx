import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Shell } from "~/components/shell";
import { getUser, requireUser } from "~/modules/auth/guard.server";
import { publicUser } from "~/modules/auth/session.server";
import { unreadReplyCount } from "~/modules/feedback/ratings.server";
import { awaitingReviewCountOnce } from "~/modules/library/review.server";
import { unreadNotificationCount } from "~/modules/notifications/notify.server";
import { isOfflineFailure } from "~/offline/fallback";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  // Marketing's replies to this seller's ratings and requests (the badge on Me) and the unread
  // notifications (the bell): the session look-up already counted both in the same statement
  // (decision 022); an API token did not.
  const found = await getUser(context.app, request);
  const [unread, reviews, notifications] = await Promise.all([
    user.role === "seller" ? (found?.unreadReplies ?? unreadReplyCount(context.app.db, { user })) : 0,
    // Items waiting for this user's review, for the count beside Review in the navigation.
    awaitingReviewCountOnce(context.app, user),
    found?.unreadNotifications ?? unreadNotificationCount(context.app.db, { user }),
  ]);
  return { user: publicUser(user), unread, reviews, notifications };
}

type ShellData = Awaited<ReturnType<typeof loader>>;
/** The shell's last answer in this page: offline, the layout keeps it instead of failing every page under it. */
let lastShell: ShellData | undefined;

// The layout's data is asked for again whenever the query string changes (e.g. a search): offline that
// must not turn the whole page into an error.
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  try {
    lastShell = await serverLoader<typeof loader>();
    return lastShell;
  } catch (error) {
    if (!lastShell || !isOfflineFailure(error)) throw error;
    return lastShell;
  }
}

/** The signed-in user, for any page inside the shell. */
export function useAppUser() {
  return useRouteLoaderData<typeof loader>("routes/_app")!.user;
}

export default function AppLayout() {
  const data = useLoaderData<typeof loader>();
  if (typeof window !== "undefined") lastShell = data;
  const { user, unread, reviews, notifications } = data;
  return (
    <Shell user={user} unread={unread} reviews={reviews} notifications={notifications}>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
