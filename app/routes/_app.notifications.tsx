// The notifications list: newest first, unread marked, each opening its page through /notifications/:id
// (which marks it read); "Mark all as read" clears the count in the navigation.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { OlderPager } from "~/components/older-pager";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { listNotifications, markNotificationsRead, unreadNotificationCount } from "~/modules/notifications/notify.server";
import { urlBefore } from "~/modules/validation.server";

export const meta: MetaFunction = () => [{ title: "Notifications · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const before = urlBefore.parse(new URL(request.url).searchParams.get("before"));
  // The count the bell shows: unread notifications may all be on older pages than this one. Counted after
  // the list, which marks read those about an item the person can no longer open.
  const list = await listNotifications(context.app.db, { user, before });
  const unread = await unreadNotificationCount(context.app.db, { user });
  return { ...list, unread, paged: before !== undefined };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  const marked = await markNotificationsRead(context.app.db, { user, all: true });
  return { marked };
}

export default function Notifications() {
  const { notifications, next, paged, unread } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1 id="notifications-title">Notifications</h1>
      <p className="meta">
        Choose what you are told, and how, on <Link to="/me#notifications">Me</Link>.
      </p>
      {unread > 0 ? (
        <Form method="post" className="row">
          <button type="submit" className="secondary" disabled={busy}>
            Mark all as read
          </button>
        </Form>
      ) : null}
      {notifications.length ? (
        <ul className="list" aria-labelledby="notifications-title">
          {notifications.map((n) => (
            <li key={n.id} className="card" data-read={n.read ? "true" : "false"}>
              <Link to={`/notifications/${n.id}`}>
                {n.read ? null : <strong>New: </strong>}
                {n.title}
              </Link>
              {n.body ? <p>{n.body}</p> : null}
              <div className="meta">{formatDate(n.createdAt)}</div>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title={paged ? "No older notifications" : "No notifications yet"}>
          <p>Replies to your feedback, answered requests and reminders show up here.</p>
        </EmptyState>
      )}
      <OlderPager next={next} noun="notifications" />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
