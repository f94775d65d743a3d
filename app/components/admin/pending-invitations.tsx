// The admin's pending invitations: found by part of the address and by whether the link still works,
// a page at a time, each with Resend and Withdraw (the route's actions).
import { Form, Link } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { addressWith } from "~/lib/address";

type Query = { q?: string; state?: string; page?: number };
type Pending = {
  rows: { id: string; email: string; role: string; teamName: string | null; expiresAt: string | Date; expired: boolean }[];
  total: number;
  page: number;
  pages: number;
};

export function PendingInvitations({ pending, query, busy }: { pending: Pending; query: Query; busy: boolean }) {
  const filtered = Boolean(query.q || query.state);
  const href = (change: Partial<Record<keyof Query, string | number | undefined>>) =>
    `${addressWith("/admin/invitations", query, change)}#pending`;
  return (
    <>
      <Form
        method="get"
        action="/admin/invitations#pending"
        className="row card filters"
        role="search"
        aria-label="Find pending invitations"
        key={JSON.stringify(query)}
      >
        <div>
          <label htmlFor="pending-q">Search pending</label>
          <input id="pending-q" name="q" type="search" defaultValue={query.q ?? ""} maxLength={254} />
        </div>
        <div>
          <label htmlFor="pending-state">Link</label>
          <select id="pending-state" name="state" defaultValue={query.state ?? ""}>
            <option value="">Waiting or expired</option>
            <option value="waiting">Still works</option>
            <option value="expired">Expired</option>
          </select>
        </div>
        <button type="submit">Find</button>
      </Form>
      {pending.total ? (
        <p className="meta table-summary" role="status">
          {`${pending.total.toLocaleString("en-GB")} pending${pending.pages > 1 ? ` · page ${pending.page} of ${pending.pages}` : ""}`}
          {filtered ? (
            <>
              {" · "}
              <Link to="/admin/invitations#pending">Clear filters</Link>
            </>
          ) : null}
        </p>
      ) : null}
      {pending.rows.length ? (
        <ul className="list" aria-labelledby="pending">
          {pending.rows.map((p) => (
            <li key={p.id} className="card row">
              <div>
                <strong>{p.email}</strong>
                <div className="meta">
                  {p.role}
                  {p.teamName ? ` · ${p.teamName}` : ""} ·{" "}
                  {p.expired ? `expired ${formatDate(p.expiresAt)}` : `expires ${formatDate(p.expiresAt)}`}
                </div>
              </div>
              <Form method="post" style={{ flex: "0 0 auto" }}>
                <input type="hidden" name="id" value={p.id} />
                <button
                  type="submit"
                  name="intent"
                  value="resend"
                  className="secondary"
                  disabled={busy}
                  aria-label={`Resend to ${p.email}`}
                >
                  Resend
                </button>{" "}
                <button
                  type="submit"
                  name="intent"
                  value="withdraw"
                  className="danger"
                  disabled={busy}
                  aria-label={`Withdraw the invitation for ${p.email}`}
                >
                  Withdraw
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title={filtered ? "No pending invitations match" : "No pending invitations"}>
          {filtered ? <Link to="/admin/invitations#pending">Clear the filters</Link> : "Invitations wait here until they are accepted."}
        </EmptyState>
      )}
      <PageLinks page={pending.page} pages={pending.pages} href={(p) => href({ page: p === 1 ? undefined : p })} />
    </>
  );
}
