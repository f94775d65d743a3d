import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Shell } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { loadShell, type ShellData } from "~/modules/shell.server";
import { isOfflineFailure } from "~/offline/fallback";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return loadShell(context.app, request, await requireUser(context.app, request));
}

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
