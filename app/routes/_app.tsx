import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Shell } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { publicUser } from "~/modules/auth/session.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  return { user: publicUser(user) };
}

/** The signed-in user, for any page inside the shell. */
export function useAppUser() {
  return useRouteLoaderData<typeof loader>("routes/_app")!.user;
}

export default function AppLayout() {
  const { user } = useLoaderData<typeof loader>();
  return (
    <Shell user={user}>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
