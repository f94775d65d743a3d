import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { requireUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { createTeam, createUser, listTeams, updateUser } from "~/modules/people/users.server";
import { PeopleQuery, listPeoplePage } from "~/modules/people/directory.server";
import { mailTrouble } from "~/modules/mail/mail.server";
import { AddPersonForm, FormResult, PeopleTable, TeamsSection } from "~/components/admin/people";
import { ROLES } from "@/vocabulary/people";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";
import { pageWithin } from "~/modules/paging.server";

export const meta: MetaFunction = () => [{ title: "Admin · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const query = PeopleQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [people, teams, mail] = await Promise.all([
    pageWithin((page) => listPeoplePage(context.app.db, { actor, query: page ? { ...query, page } : query })),
    listTeams(context.app.db),
    mailTrouble(context.app.db),
  ]);
  return { people, query, teams, me: actor.id, mailFailed: mail.failed };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const form = Object.fromEntries(await readForm(request)) as Record<string, string>;
  const db = context.app.db;
  return formAction(
    async () => {
      switch (form.intent) {
        case "create-user": {
          const user = await createUser(db, { actor, input: form });
          return {
            ok: `Created ${user.email}. Share the password with them privately, or send an invitation next time.`,
            intent: form.intent,
          };
        }
        case "update-user": {
          const { changed } = await updateUser(db, {
            actor,
            input: {
              userId: form.userId,
              // Each only when the form carries it: Deactivate posts the status alone, and a role or team
              // filled in from what the page loaded with would undo another admin's change made since.
              ...("role" in form ? { role: form.role as (typeof ROLES)[number] } : {}),
              ...("teamId" in form ? { teamId: form.teamId } : {}),
              ...(form.active ? { active: form.active === "true" } : {}),
            },
            // The row's form posts its role and team together, with what each was when the page loaded: only
            // the one this admin changed is saved, and one someone else changed since as well is refused.
            loaded: {
              ...("roleWas" in form ? { role: form.roleWas } : {}),
              ...("teamIdWas" in form ? { teamId: form.teamIdWas } : {}),
            },
          });
          return { ok: changed ? "Saved." : "Nothing to save: no change.", intent: form.intent, userId: form.userId };
        }
        case "create-team": {
          const team = await createTeam(db, { actor, input: form });
          return { ok: `Created team ${team.name}.`, intent: form.intent };
        }
        default:
          throw new AppError("bad_request", "Unknown action.");
      }
    },
    { echo: { intent: form.intent, userId: form.userId } },
  );
}

export default function Admin() {
  const { people, query, teams, me, mailFailed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const message = (intent: string) => (result?.intent === intent ? <FormResult result={result} /> : null);
  return (
    <>
      <h1>People and teams</h1>
      <p>
        <Link to="/admin/invitations">Invite people</Link> · <Link to="/admin/tags">Tags</Link> ·{" "}
        <Link to="/admin/mail">Outgoing mail</Link> · <Link to="/admin/audit">Audit log</Link>
      </p>
      {mailFailed ? (
        <p className="form-error" role="alert">
          {mailFailed} message{mailFailed === 1 ? "" : "s"} could not be delivered. <Link to="/admin/mail">See outgoing mail</Link>.
        </p>
      ) : null}
      <h2 id="people">People</h2>
      {/* A row's result is said in its row, beside what changed: above a page of 50 it was out of sight. */}
      {people.rows.some((p) => p.id === result?.userId) ? null : message("update-user")}
      <PeopleTable
        {...people}
        query={query}
        teams={teams}
        me={me}
        busy={busy}
        rowResult={result?.intent === "update-user" ? result : undefined}
      />
      <h2>Add a person with a password</h2>
      <p className="meta">
        Usually <Link to="/admin/invitations">invite them</Link> instead: they choose their own password. Use this for a break-glass admin
        account.
      </p>
      {message("create-user")}
      <AddPersonForm teams={teams} busy={busy} />

      <h2 id="teams">Teams</h2>
      {message("create-team")}
      <TeamsSection teams={teams} busy={busy} />
    </>
  );
}
