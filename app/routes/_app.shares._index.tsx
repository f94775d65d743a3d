// "My shares": every link the seller sent, its status and what the buyer did, newest first. Opens the
// seller has not seen yet are flagged (the in-app notice); viewing the list marks them seen. Managers
// also see shares and open rates per team they lead (admins and marketers: every team).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatDate } from "@/vocabulary/dates";
import { SHARE_FILTERS, SHARE_FILTER_LABEL, SHARE_SORTS, SHARE_SORT_LABEL } from "@/vocabulary/shares";
import { ListCount } from "~/components/list-count";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { sharesByTeam } from "~/modules/shares/engagement.server";
import { MySharesQuery, countNewlyOpened, listMySharesPage, markSharesSeen } from "~/modules/shares/my-shares.server";
import { pageWithin } from "~/modules/paging.server";
import { addressWith } from "~/lib/address";

export const meta: MetaFunction = () => [{ title: "My shares · Fieldkit" }];

const DAY_MS = 86_400_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const now = new Date();
  const query = MySharesQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  // Counted over every share, not this page: looking at the list marks them all seen.
  const [list, fresh] = await Promise.all([
    pageWithin((page) => listMySharesPage(context.app.db, { user, query: page ? { ...query, page } : query, now })),
    countNewlyOpened(context.app.db, user),
  ]);
  if (fresh) await markSharesSeen(context.app.db, { user, now });
  const teamView = user.role === "seller" ? null : user.role === "manager" ? user.leadsTeamIds : null;
  const teams =
    user.role === "seller"
      ? null
      : await sharesByTeam(context.app.db, {
          teamIds: teamView,
          from: new Date(now.getTime() - 30 * DAY_MS),
          to: new Date(now.getTime() + 60_000),
        });
  return { ...list, query, fresh, teams };
}

const pct = (r: number | null) => (r === null ? "–" : `${Math.round(r * 100)} %`);

export default function Shares() {
  const { shares, total, page, pages, query, fresh, teams } = useLoaderData<typeof loader>();
  const filtered = Boolean(query.q || query.show);
  const href = (p: number) => addressWith("/shares", query, { page: p === 1 ? undefined : p });
  const freshOnPage = shares.filter((s) => s.newlyOpened);
  return (
    <>
      <h1>My shares</h1>
      <p className="meta">Links you sent to buyers. Share from any item page with “Share with a buyer”, or start a link here.</p>
      <p>
        <Link to="/shares/new" className="button">
          New link for a buyer
        </Link>
      </p>
      {fresh ? (
        <p className="notice" role="status">
          {fresh === 1 && freshOnPage.length === 1
            ? `Your buyer opened “${freshOnPage[0].items[0]?.title ?? "a share"}”.`
            : `${fresh} ${fresh === 1 ? "share was" : "shares were"} opened since you last looked.`}
        </p>
      ) : null}
      {total || filtered ? (
        <Form method="get" className="row card filters" role="search" aria-label="Find a share" key={JSON.stringify(query)}>
          <div>
            <label htmlFor="shares-q">Buyer or item</label>
            <input id="shares-q" name="q" type="search" defaultValue={query.q ?? ""} maxLength={200} placeholder="e.g. Acme or pricing" />
          </div>
          <div>
            <label htmlFor="shares-show">Show</label>
            <select id="shares-show" name="show" defaultValue={query.show ?? ""}>
              <option value="">Every share</option>
              {SHARE_FILTERS.map((f) => (
                <option key={f} value={f}>
                  {SHARE_FILTER_LABEL[f]}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="shares-sort">Order</label>
            <select id="shares-sort" name="sort" defaultValue={query.sort ?? ""}>
              {SHARE_SORTS.map((s) => (
                <option key={s} value={s === "newest" ? "" : s}>
                  {SHARE_SORT_LABEL[s]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Find</button>
        </Form>
      ) : null}
      <ListCount total={total} noun={["share", "shares"]} page={page} pages={pages} clearTo={filtered ? "/shares" : undefined} />
      {shares.length === 0 && filtered ? (
        <EmptyState title="No shares match">
          <Link to="/shares">Show every share</Link>
        </EmptyState>
      ) : shares.length === 0 ? (
        <p className="card">
          No shares yet. Open an item and choose <strong>Share with a buyer</strong> to send it with a link you can track.{" "}
          <Link to="/search">Find content</Link>
        </p>
      ) : (
        <ul className="share-list">
          {shares.map((s) => (
            <li key={s.id} className="card">
              <p className="row-between">
                <Link to={`/shares/${s.id}`}>
                  <strong>{s.items.map((i) => i.title).join(", ") || "Shared content"}</strong>
                </Link>
                <span className={`badge share-${s.status}`}>
                  {s.status === "active" ? "Active" : s.status === "expired" ? "Expired" : "Revoked"}
                </span>
              </p>
              <p className="meta">
                {s.recipientName || s.recipientEmail ? `${s.recipientName ?? s.recipientEmail} · ` : ""}sent {formatDate(s.createdAt)}
                {s.status === "active" ? ` · open until ${formatDate(s.expiresAt)}` : ""}
              </p>
              <p>
                {s.newlyOpened ? <span className="badge share-new">New</span> : null} {s.summary.text}
              </p>
            </li>
          ))}
        </ul>
      )}
      <PageLinks page={page} pages={pages} href={href} />
      {teams ? (
        <section aria-labelledby="teams-h">
          <h2 id="teams-h">Shares per team, last 30 days</h2>
          {teams.length === 0 ? (
            <p className="meta">No shares in the last 30 days.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Team</th>
                    <th scope="col">Shares</th>
                    <th scope="col">Opened</th>
                    <th scope="col">Open rate</th>
                  </tr>
                </thead>
                <tbody>
                  {teams.map((t) => (
                    <tr key={t.teamId ?? "none"}>
                      <td>{t.team}</td>
                      <td>{t.shares}</td>
                      <td>{t.opened}</td>
                      <td>{pct(t.openRate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
