// The notifications list: newest first, unread marked, each opening its page through /notifications/:id
// (which marks it read); "Mark all as read" clears the count in the navigation. A burst of one kind (thirty
// new versions in an afternoon) is one line that opens to its notices, with "Mark these as read".
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { OlderPager } from "~/components/older-pager";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import {
  gatherBursts,
  listNotifications,
  markNotificationsRead,
  unreadNotificationCount,
  type NotificationView,
} from "~/modules/notifications/notify.server";
import { readForm } from "~/modules/request-body.server";
import { urlBefore } from "~/modules/validation.server";

export const meta: MetaFunction = () => [{ title: "Notifications · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const params = new URL(request.url).searchParams;
  const before = urlBefore.parse(params.get("before"));
  // Back from a week away: what is new, without paging through what was read.
  const unreadOnly = params.get("show") === "unread";
  // The count the bell shows: unread notifications may all be on older pages than this one. Counted after
  // the list, which marks read those about an item the person can no longer open.
  const { notifications, next } = await listNotifications(context.app.db, { user, before, unreadOnly });
  const unread = await unreadNotificationCount(context.app.db, { user });
  return { entries: gatherBursts(notifications), next, unread, unreadOnly, paged: before !== undefined };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  // A burst's own button names its notices; the page's marks them all. Only the person's own are changed.
  const ids = (await readForm(request))
    .getAll("id")
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
  const marked = await markNotificationsRead(context.app.db, ids.length ? { user, ids: ids.slice(0, 100) } : { user, all: true });
  return { marked };
}

function Notice({ n }: { n: NotificationView }) {
  return (
    <>
      <Link to={`/notifications/${n.id}`}>
        {n.read ? null : <strong>New: </strong>}
        {n.title}
      </Link>
      {n.body ? <p>{n.body}</p> : null}
      <div className="meta">{formatDate(n.createdAt)}</div>
    </>
  );
}

export default function Notifications() {
  const { entries, next, paged, unread, unreadOnly } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1 id="notifications-title">Notifications</h1>
      <p className="meta">
        Choose what you are told, and how, on <Link to="/me#notifications">Me</Link>.
      </p>
      <nav className="tabs" aria-label="Which notifications">
        <Link to="/notifications" aria-current={unreadOnly ? undefined : "page"}>
          All
        </Link>
        <Link to="/notifications?show=unread" aria-current={unreadOnly ? "page" : undefined}>
          Unread ({unread.toLocaleString("en")})
        </Link>
      </nav>
      {unread > 0 ? (
        <Form method="post" className="row">
          <button type="submit" className="secondary" disabled={busy}>
            Mark all as read
          </button>
        </Form>
      ) : null}
      {entries.length ? (
        <ul className="list" aria-labelledby="notifications-title">
          {entries.map((e) =>
            e.burst ? (
              <li key={e.id} className="card burst" data-read={e.unread ? "false" : "true"}>
                <details>
                  <summary>
                    <span>
                      {e.unread ? <strong>New: </strong> : null}
                      {e.title}
                      {e.unread && e.unread < e.notices.length ? <span className="meta"> ({e.unread} unread)</span> : null}
                    </span>
                  </summary>
                  <ul className="list">
                    {e.notices.map((n) => (
                      <li key={n.id} data-read={n.read ? "true" : "false"}>
                        <Notice n={n} />
                      </li>
                    ))}
                  </ul>
                </details>
                <div className="row">
                  <span className="meta">{formatDate(e.createdAt)}</span>
                  {e.unread ? (
                    <Form method="post">
                      {e.notices.map((n) => (n.read ? null : <input key={n.id} type="hidden" name="id" value={n.id} />))}
                      <button type="submit" className="secondary small" disabled={busy} aria-label={`Mark these as read: ${e.title}`}>
                        Mark these as read
                      </button>
                    </Form>
                  ) : null}
                </div>
              </li>
            ) : (
              <li key={e.id} className="card" data-read={e.read ? "true" : "false"}>
                <Notice n={e} />
              </li>
            ),
          )}
        </ul>
      ) : (
        <EmptyState
          title={
            unreadOnly ? (paged ? "Nothing older is unread" : "Nothing unread") : paged ? "No older notifications" : "No notifications yet"
          }
        >
          <p>
            {unreadOnly ? (
              <Link to="/notifications">See all notifications</Link>
            ) : (
              "Replies to your feedback, answered requests and reminders show up here."
            )}
          </p>
        </EmptyState>
      )}
      <OlderPager next={next} noun="notifications" />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
