// The admin's people page in parts: the people table, adding a person with a password, and teams.
import { Form } from "@remix-run/react";
import { ROLES } from "@/vocabulary/people";
import { RoleAndTeamFields } from "~/components/admin/role-team-fields";

type Person = { id: string; name: string; email: string; role: string; teamId: string | null; active: boolean };
type Team = { id: string; name: string; region: string | null; members: number };

export function PeopleTable({ people, teams, me, busy }: { people: Person[]; teams: Team[]; me: string; busy: boolean }) {
  return (
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
  );
}

export function AddPersonForm({ teams, busy }: { teams: Team[]; busy: boolean }) {
  return (
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
        <RoleAndTeamFields idPrefix="new" teams={teams} />
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
  );
}

export function TeamsSection({ people, teams, busy }: { people: Person[]; teams: Team[]; busy: boolean }) {
  return (
    <>
      <ul className="list">
        {teams.map((t) => (
          <li key={t.id} className="card">
            <strong>{t.name}</strong>{" "}
            <span className="meta">
              {t.region ?? "no region"} · {t.members} active members
            </span>
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
