import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ZodError } from "~/modules/validation.server";
import { requireUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { createTeam, createUser, listPeople, listTeams, updateUser } from "~/modules/people/users.server";
import { mailTrouble } from "~/modules/mail/mail.server";
import { ROLES } from "../../vocabulary/people";

export const meta: MetaFunction = () => [{ title: "Admin · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const [people, teams, mail] = await Promise.all([listPeople(context.app.db, { actor }), listTeams(context.app.db), mailTrouble(context.app.db)]);
  return { people, teams, me: actor.id, mailFailed: mail.failed };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  const db = context.app.db;
  try {
    switch (form.intent) {
      case "create-user": {
        const user = await createUser(db, { actor, input: form });
        return { ok: `Created ${user.email}. Share the password with them privately, or send an invitation next time.`, intent: form.intent };
      }
      case "update-user": {
        await updateUser(db, {
          actor,
          input: {
            userId: form.userId,
            role: form.role as (typeof ROLES)[number],
            teamId: form.teamId ?? "",
            ...(form.active ? { active: form.active === "true" } : {}),
          },
        });
        return { ok: "Saved.", intent: form.intent };
      }
      case "create-team": {
        const team = await createTeam(db, { actor, input: form });
        return { ok: `Created team ${team.name}.`, intent: form.intent };
      }
      default:
        return data({ error: "Unknown action.", intent: form.intent }, { status: 400 });
    }
  } catch (error) {
    if (error instanceof ZodError) {
      return data({ error: error.issues.map((i) => i.message).join(" "), intent: form.intent }, { status: 400 });
    }
    if (error instanceof AppError) return data({ error: error.message, intent: form.intent }, { status: error.status });
    throw error;
  }
}

export default function Admin() {
  const { people, teams, me, mailFailed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const message = (intent: string) =>
    result?.intent === intent ? (
      "error" in result ? (
        <p className="form-error" role="alert">
          {result.error}
        </p>
      ) : (
        <p className="notice" role="status">
          {result.ok}
        </p>
      )
    ) : null;
  return (
    <>
      <h1>People and teams</h1>
      <p>
        <Link to="/admin/invitations">Invite people</Link> · <Link to="/admin/mail">Outgoing mail</Link> · <Link to="/admin/audit">Audit log</Link>
      </p>
      {mailFailed ? (
        <p className="form-error" role="alert">
          {mailFailed} message{mailFailed === 1 ? "" : "s"} could not be delivered. <Link to="/admin/mail">See outgoing mail</Link>.
        </p>
      ) : null}
      <h2 id="people">People</h2>
      {message("update-user")}
      <div className="table-wrap">
        <table aria-labelledby="people">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role and team</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.id}>
                <td>
                  {p.name}
                  <div className="meta">{p.email}</div>
                </td>
                <td>
                  <Form method="post" className="row" aria-label={`Role and team for ${p.name}`}>
                    <input type="hidden" name="intent" value="update-user" />
                    <input type="hidden" name="userId" value={p.id} />
                    <select name="role" defaultValue={p.role} aria-label="Role">
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                    <select name="teamId" defaultValue={p.teamId ?? ""} aria-label="Team">
                      <option value="">No team</option>
                      {teams.map((t) => (
                        <option key={t.id} value={t.id}>
                          {t.name}
                        </option>
                      ))}
                    </select>
                    <button type="submit" className="secondary" disabled={busy}>
                      Save
                    </button>
                  </Form>
                </td>
                <td>
                  {p.id === me ? (
                    "You"
                  ) : (
                    <Form method="post">
                      <input type="hidden" name="intent" value="update-user" />
                      <input type="hidden" name="userId" value={p.id} />
                      <input type="hidden" name="role" value={p.role} />
                      <input type="hidden" name="teamId" value={p.teamId ?? ""} />
                      <input type="hidden" name="active" value={p.active ? "false" : "true"} />
                      <button type="submit" className={p.active ? "danger" : "secondary"} disabled={busy}>
                        {p.active ? "Deactivate" : "Reactivate"}
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Add a person with a password</h2>
      <p className="meta">
        Usually <Link to="/admin/invitations">invite them</Link> instead: they choose their own password. Use this for a break-glass admin account.
      </p>
      {message("create-user")}
      <Form method="post" className="card">
        <input type="hidden" name="intent" value="create-user" />
        <div className="row">
          <div>
            <label htmlFor="new-name">Name</label>
            <input id="new-name" name="name" required maxLength={120} />
          </div>
          <div>
            <label htmlFor="new-email">Email</label>
            <input id="new-email" name="email" type="email" required maxLength={254} />
          </div>
        </div>
        <div className="row">
          <div>
            <label htmlFor="new-role">Role</label>
            <select id="new-role" name="role" defaultValue="seller">
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="new-team">Team</label>
            <select id="new-team" name="teamId" defaultValue="">
              <option value="">No team</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="new-password">Initial password</label>
            <input id="new-password" name="password" type="password" minLength={10} required autoComplete="new-password" />
          </div>
        </div>
        <p>
          <button type="submit" disabled={busy}>
            Add person
          </button>
        </p>
      </Form>

      <h2 id="teams">Teams</h2>
      {message("create-team")}
      <ul className="list">
        {teams.map((t) => (
          <li key={t.id} className="card">
            <strong>{t.name}</strong> <span className="meta">{t.region ?? "no region"} · {t.members} active members</span>
          </li>
        ))}
      </ul>
      <Form method="post" className="card" style={{ marginTop: "1rem" }}>
        <input type="hidden" name="intent" value="create-team" />
        <div className="row">
          <div>
            <label htmlFor="team-name">Team name</label>
            <input id="team-name" name="name" required maxLength={80} />
          </div>
          <div>
            <label htmlFor="team-region">Region</label>
            <input id="team-region" name="region" maxLength={40} />
          </div>
          <div>
            <label htmlFor="team-lead">Manager</label>
            <select id="team-lead" name="leadId" defaultValue="">
              <option value="">None yet</option>
              {people
                .filter((p) => p.role === "manager")
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
            </select>
          </div>
        </div>
        <p>
          <button type="submit" disabled={busy}>
            Add team
          </button>
        </p>
      </Form>
    </>
  );
}
