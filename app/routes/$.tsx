// Any other path: a real 404 page. Signed in, it sits inside the shell, so the navigation is there to go on
// from; signed out (a buyer's mistyped link among them) it stands alone, without asking anyone to sign in.
import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { Shell } from "~/components/shell";
import { getUser } from "~/modules/auth/guard.server";
import { loadShell, type ShellData } from "~/modules/shell.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const found = await getUser(context.app, request);
  const shell = found ? await loadShell(context.app, request, found.user) : null;
  throw data({ message: "There's no page at this address.", shell }, { status: 404 });
}
export default function NotFound() {
  return null;
}
export function ErrorBoundary() {
  const error = useRouteError();
  const shell = isRouteErrorResponse(error) ? (error.data as { shell?: ShellData | null } | null)?.shell : null;
  if (!shell) return <GeneralErrorBoundary />;
  return (
    <Shell {...shell}>
      <GeneralErrorBoundary />
    </Shell>
  );
}
