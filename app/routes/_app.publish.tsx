// Publishing: upload files, or write messaging / add a video link. Marketers and admins only.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { requireUser } from "~/modules/auth/guard.server";

export const meta: MetaFunction = () => [{ title: "Publish · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request, ["marketer", "admin"]);
  return null;
}

export default function PublishLayout() {
  return (
    <>
      <h1>Publish</h1>
      <nav className="tabs" aria-label="What to publish">
        <NavLink to="/publish" end>
          Upload files
        </NavLink>
        <NavLink to="/publish/message">Write messaging or link a video</NavLink>
      </nav>
      <Outlet />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
