import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { requireUser } from "~/modules/auth/guard.server";
import { inviteSettings, wakeJobs } from "~/modules/auth/settings.server";
import { AppError } from "~/modules/errors.server";
import {
  PendingQuery,
  inviteFromCsv,
  inviteUser,
  pendingInvitationPage,
  resendInvitation,
  withdrawInvitation,
} from "~/modules/people/invitations.server";
import { listTeams } from "~/modules/people/users.server";
import { formAction } from "~/modules/page-errors.server";
import { RoleAndTeamFields } from "~/components/admin/role-team-fields";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";

export const meta: MetaFunction = () => [{ title: "Invitations · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const query = PendingQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [pending, teams] = await Promise.all([pendingInvitationPage(context.app.db, { actor, query }), listTeams(context.app.db)]);
  return { pending, query, teams, mail: context.app.env.SMTP_URL ? "smtp" : "local" };
}

type Result = { intent: string; ok?: string; failed?: { line: number; email: string; error: string }[] };

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const db = context.app.db;
  const settings = inviteSettings(context.app);
  return formAction(
    async () => {
      let result: Result;
      if (intent === "invite") {
        const invite = await inviteUser(db, {
          actor,
          input: { email: form.get("email"), role: form.get("role"), teamId: form.get("teamId") },
          settings,
        });
        result = { intent, ok: `Invitation sent to ${invite.email}.` };
      } else if (intent === "invite-csv") {
        const file = form.get("file");
        const csv = file instanceof File && file.size ? await file.text() : String(form.get("csv") ?? "");
        if (csv.length > 200_000) throw new AppError("payload_too_large", "The list is too long: invite at most 1000 people at a time.");
        const { invited, failed } = await inviteFromCsv(db, { actor, csv, settings });
        result = { intent, ok: `${invited.length} invitation${invited.length === 1 ? "" : "s"} sent.`, failed };
      } else if (intent === "resend") {
        const invite = await resendInvitation(db, { actor, id: String(form.get("id") ?? ""), settings });
        result = { intent, ok: `Sent a new link to ${invite.email}; the old one no longer works.` };
      } else if (intent === "withdraw") {
        const invite = await withdrawInvitation(db, { actor, id: String(form.get("id") ?? "") });
        result = { intent, ok: `Withdrew the invitation for ${invite.email}.` };
      } else {
        throw new AppError("bad_request", "Unknown action.");
      }
      wakeJobs(context.app);
      return result;
    },
    { echo: { intent } },
  );
}

export default function Invitations() {
  const { pending, query, teams, mail } = useLoaderData<typeof loader>();
  const filtered = Boolean(query.q || query.state);
  const href = (change: Partial<Record<"q" | "state" | "page", string | number | undefined>>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, ...change })) if (v !== undefined && v !== "") params.set(k, String(v));
    return `/admin/invitations${params.size ? `?${params}` : ""}#pending`;
  };
  const result = useActionData<typeof action>() as (Result & { formError?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  const message = (intents: string[]) =>
    result && intents.includes(result.intent) ? (
      result.formError ? (
        <p className="form-error" role="alert">
          {result.formError}
        </p>
      ) : (
        <div className="notice" role="status">
          <p>{result.ok}</p>
          {result.failed?.length ? (
            <ul>
              {result.failed.map((f) => (
                <li key={f.line}>
                  Line {f.line} ({f.email || "no email"}): {f.error}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      )
    ) : null;
  return (
    <>
      <h1>Invitations</h1>
      <p>
        <Link to="/admin">People and teams</Link> · <Link to="/admin/mail">Outgoing mail</Link>
      </p>
      {mail === "local" ? (
        <p className="meta">
          No SMTP server is configured: invitations wait in the <Link to="/admin/mail">local outbox</Link>, where you can copy the link.
        </p>
      ) : null}

      <h2 id="invite">Invite someone</h2>
      {message(["invite"])}
      <Form method="post" className="card" aria-labelledby="invite">
        <input type="hidden" name="intent" value="invite" />
        <div className="row">
          <div>
            <label htmlFor="invite-email">Email</label>
            <input id="invite-email" name="email" type="email" required maxLength={254} />
          </div>
          <RoleAndTeamFields idPrefix="invite" teams={teams} />
        </div>
        <p>
          <button type="submit" disabled={busy}>
            Send invitation
          </button>
        </p>
      </Form>

      <h2 id="invite-csv">Invite many from a CSV</h2>
      {message(["invite-csv"])}
      <Form method="post" encType="multipart/form-data" className="card" aria-labelledby="invite-csv">
        <input type="hidden" name="intent" value="invite-csv" />
        <p className="meta" id="csv-hint">
          One person per line: <code>email,role,team</code> (team by name, may be empty; a header line is fine).
        </p>
        <label htmlFor="csv-file">CSV file</label>
        <input id="csv-file" name="file" type="file" accept=".csv,text/csv" aria-describedby="csv-hint" />
        <label htmlFor="csv-text">Or paste the lines</label>
        <textarea id="csv-text" name="csv" rows={4} aria-describedby="csv-hint" />
        <p>
          <button type="submit" disabled={busy}>
            Send invitations
          </button>
        </p>
      </Form>

      <h2 id="pending">Pending</h2>
      {message(["resend", "withdraw"])}
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
        <button type="submit" style={{ flex: "0 0 auto" }}>
          Find
        </button>
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
