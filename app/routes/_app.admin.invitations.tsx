import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/modules/auth/guard.server";
import { inviteSettings, wakeJobs } from "~/modules/auth/settings.server";
import { AppError } from "~/modules/errors.server";
import {
  PendingQuery,
  inviteFromCsv,
  inviteUser,
  pendingInvitationPage,
  resendInvitation,
  restoreInvitation,
  withdrawInvitation,
} from "~/modules/people/invitations.server";
import { listTeams } from "~/modules/people/users.server";
import { formAction } from "~/modules/page-errors.server";
import { RoleAndTeamFields } from "~/components/admin/role-team-fields";
import { UndoNotice } from "~/components/undo-notice";
import { PendingInvitations } from "~/components/admin/pending-invitations";
import { LONG_FORM_MAX_BYTES, readForm } from "~/modules/request-body.server";
import { pageWithin } from "~/modules/paging.server";

export const meta: MetaFunction = () => [{ title: "Invitations · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const query = PendingQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [pending, teams] = await Promise.all([
    pageWithin((page) => pendingInvitationPage(context.app.db, { actor, query: page ? { ...query, page } : query })),
    listTeams(context.app.db),
  ]);
  return { pending, query, teams, mail: context.app.env.SMTP_URL ? "smtp" : "local" };
}

type Result = { intent: string; ok?: string; failed?: { line: number; email: string; error: string }[]; undo?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const form = await readForm(request, LONG_FORM_MAX_BYTES);
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
        result = { intent, ok: `Withdrew the invitation for ${invite.email}.`, undo: invite.id };
      } else if (intent === "restore") {
        const invite = await restoreInvitation(db, { actor, id: String(form.get("id") ?? "") });
        result = { intent, ok: `The invitation for ${invite.email} is pending again; the link already sent works.` };
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
  const result = useActionData<typeof action>() as (Result & { formError?: string }) | undefined;
  const busy = useNavigation().state === "submitting";
  const message = (intents: string[]) =>
    result && intents.includes(result.intent) ? (
      result.formError ? (
        <p className="form-error" role="alert">
          {result.formError}
        </p>
      ) : result.undo ? (
        // A withdrawal made by mistake is taken back with one tap (for 10 minutes, until someone else acts).
        <UndoNotice message={result.ok ?? ""} fields={{ intent: "restore", id: result.undo }} busy={busy} />
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
      {message(["resend", "withdraw", "restore"])}
      <PendingInvitations pending={pending} query={query} busy={busy} />
    </>
  );
}
