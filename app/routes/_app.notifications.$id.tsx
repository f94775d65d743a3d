// Following a notification: marks it read and goes to its page. Only the person's own notifications
// open; any other id is a 404, as if it did not exist.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { requireUser } from "~/modules/auth/guard.server";
import { openNotification } from "~/modules/notifications/notify.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const id = Number(params.id);
  const opened = Number.isSafeInteger(id) && id > 0 ? await openNotification(context.app.db, { user, id }) : null;
  if (!opened) throw new Response("No such notification.", { status: 404 });
  // Paths inside Fieldkit only ("/x", never "//host"): the list is not a way to send people elsewhere.
  const url = opened.url && /^\/(?!\/)/.test(opened.url) ? opened.url : "/notifications";
  return redirect(url);
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
