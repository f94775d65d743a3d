// "My shares": every link the seller sent, its status and what the buyer did, newest first. Opens the
// seller has not seen yet are flagged (the in-app notice); viewing the list marks them seen. Managers
// also see shares and open rates per team they lead (admins and marketers: every team).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { formatDate } from "@/vocabulary/dates";
import { requireUser } from "~/modules/auth/guard.server";
import { sharesByTeam } from "~/modules/shares/engagement.server";
import { listMyShares, markSharesSeen } from "~/modules/shares/shares.server";

export const meta: MetaFunction = () => [{ title: "My shares · Fieldkit" }];

const DAY_MS = 86_400_000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const now = new Date();
  const shares = await listMyShares(context.app.db, { user, now });
  if (shares.some((s) => s.newlyOpened)) await markSharesSeen(context.app.db, { user, now });
  const teamView = user.role === "seller" ? null : user.role === "manager" ? user.leadsTeamIds : null;
  const teams =
    user.role === "seller"
      ? null
      : await sharesByTeam(context.app.db, {
          teamIds: teamView,
          from: new Date(now.getTime() - 30 * DAY_MS),
          to: new Date(now.getTime() + 60_000),
        });
  return { shares, teams };
}

const pct = (r: number | null) => (r === null ? "–" : `${Math.round(r * 100)} %`);

export default function Shares() {
  const { shares, teams } = useLoaderData<typeof loader>();
  const fresh = shares.filter((s) => s.newlyOpened);
  return (
    <>
      <h1>My shares</h1>
      <p className="meta">Links you sent to buyers. Share from any item page with “Share with a buyer”.</p>
      {fresh.length ? (
        <p className="notice" role="status">
          {fresh.length === 1
            ? `Your buyer opened “${fresh[0].items[0]?.title ?? "a share"}”.`
            : `${fresh.length} shares were opened since you last looked.`}
        </p>
      ) : null}
      {shares.length === 0 ? (
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
