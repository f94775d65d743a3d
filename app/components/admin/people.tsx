// The admin's people page in parts: the people table (filters, sortable columns, pages), adding a person
// with a password, and teams.
import { Form, Link, useNavigation } from "@remix-run/react";
import { RoleAndTeamFields, RoleOptions, TeamOptions } from "~/components/admin/role-team-fields";
import { PageLinks } from "~/components/page-links";
import { EmptyState } from "~/components/shell";
import { addressWith } from "~/lib/address";

type Person = { id: string; name: string; email: string; role: string; teamId: string | null; active: boolean };
type Team = { id: string; name: string; region: string | null; members: number };
type Query = Partial<Record<"q" | "role" | "team" | "status" | "sort" | "dir", string>> & { page?: number };
export type PeopleTableProps = {
  rows: Person[];
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  query: Query;
  teams: Team[];
  me: string;
  busy: boolean;
  /** The last save's result, said in the row it changed. */
  rowResult?: { userId?: string; ok?: string; formError?: string };
};

/** This page's address with some of its parameters changed (undefined or "" removes one). */
const hrefWith = (query: Query, change: Record<string, string | number | undefined>) => addressWith("/admin", query, change);

export function PeopleTable({ rows, total, page, pages, pageSize, query, teams, me, busy, rowResult }: PeopleTableProps) {
  const loading = useNavigation().state === "loading";
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const filtered = Boolean(query.q || query.role || query.team || query.status);
  return (
    <>
      <PeopleFilters key={JSON.stringify(query)} query={query} teams={teams} />
      {/* With no rows the empty state below says it on screen; the count stays for screen readers. */}
      <p className={total === 0 ? "visually-hidden" : "meta table-summary"} role="status" aria-live="polite">
        {total === 0
          ? "Nobody matches."
          : `${first.toLocaleString("en-GB")}–${(first + rows.length - 1).toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")} ${total === 1 ? "person" : "people"}`}
        {filtered && total > 0 ? (
          <>
            {" · "}
            <Link to="/admin">Clear filters</Link>
          </>
        ) : null}
      </p>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? "Nobody matches these filters" : "No people yet"}>
          <p>{filtered ? <Link to="/admin">Clear the filters</Link> : <Link to="/admin/invitations">Invite people</Link>}</p>
        </EmptyState>
      ) : (
        <div className="table-wrap" aria-busy={loading || undefined}>
          <table aria-labelledby="people" className="people-table cards-on-phone card-heads">
            <thead>
              <tr>
                <SortHeader query={query} columns={[["name", "Name"]]} />
                <SortHeader query={query} columns={[["email", "Email"]]} className="wide-only" />
                <SortHeader
                  query={query}
                  columns={[
                    ["role", "Role"],
                    ["team", "team"],
                  ]}
                />
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={p.id}>
                  <td>
                    {p.name}
                    {/* On a phone the address folds under the name instead of widening the table. */}
                    <div className="meta narrow-only">{p.email}</div>
                    {p.active ? null : <div className="meta">Deactivated</div>}
                  </td>
                  <td className="wide-only">{p.email}</td>
                  <td className="card-wide">
                    <Form method="post" className="row" aria-label={`Role and team for ${p.name}`}>
                      <input type="hidden" name="intent" value="update-user" />
                      <input type="hidden" name="userId" value={p.id} />
                      {/* What this row showed, so the action saves only the field this admin changed. */}
                      <input type="hidden" name="roleWas" value={p.role} />
                      <input type="hidden" name="teamIdWas" value={p.teamId ?? ""} />
                      {/* NOTE: keyed by the value shown: React leaves a select's choice alone when its defaultValue
                          changes, so after another admin's change came in it would still show (and post back) the
                          old value as if this admin had chosen it. */}
                      <select key={p.role} name="role" defaultValue={p.role} aria-label="Role">
                        <RoleOptions />
                      </select>
                      <select key={p.teamId ?? ""} name="teamId" defaultValue={p.teamId ?? ""} aria-label="Team">
                        <option value="">No team</option>
                        <TeamOptions teams={teams} />
                      </select>
                      <button type="submit" className="secondary" disabled={busy}>
                        Save
                      </button>
                    </Form>
                    {rowResult?.userId === p.id ? <FormResult result={rowResult} /> : null}
                  </td>
                  <td>
                    {p.id === me ? (
                      "You"
                    ) : (
                      <Form method="post">
                        <input type="hidden" name="intent" value="update-user" />
                        <input type="hidden" name="userId" value={p.id} />
                        {/* Only the status: the role and team this page loaded with may be stale by now. */}
                        <input type="hidden" name="active" value={p.active ? "false" : "true"} />
                        <button
                          type="submit"
                          className={p.active ? "danger" : "secondary"}
                          disabled={busy}
                          aria-label={`${p.active ? "Deactivate" : "Reactivate"} ${p.name}`}
                        >
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
      )}
      <PageLinks page={page} pages={pages} href={(p) => hrefWith(query, { page: p === 1 ? undefined : p })} />
    </>
  );
}

/** What a form on this page answered: why it was refused, or what was done. */
export function FormResult({ result }: { result: { ok?: string; formError?: string } }) {
  return result.formError ? (
    <p className="form-error" role="alert">
      {result.formError}
    </p>
  ) : (
    <p className="notice" role="status">
      {result.ok}
    </p>
  );
}

/** A column header whose links sort by its column(s): again to reverse. */
function SortHeader({ query, columns, className }: { query: Query; columns: [column: string, label: string][]; className?: string }) {
  const sort = query.sort ?? "name";
  const dir = query.dir ?? "asc";
  const current = columns.find(([c]) => c === sort);
  return (
    <th scope="col" className={className} aria-sort={current ? (dir === "asc" ? "ascending" : "descending") : undefined}>
      {columns.map(([column, label], i) => {
        const next = sort === column && dir === "asc" ? "desc" : "asc";
        return (
          <span key={column}>
            {i > 0 ? " and " : null}
            <Link
              to={hrefWith(query, {
                sort: column === "name" ? undefined : column,
                dir: next === "asc" ? undefined : next,
                page: undefined,
              })}
            >
              {label}
              {sort === column ? <span aria-hidden="true">{dir === "asc" ? " ▲" : " ▼"}</span> : null}
            </Link>
          </span>
        );
      })}
    </th>
  );
}

function PeopleFilters({ query, teams }: { query: Query; teams: Team[] }) {
  return (
    <Form method="get" action="/admin" className="row card filters" role="search" aria-label="Find people">
      <div>
        <label htmlFor="people-q">Name or email</label>
        <input id="people-q" name="q" type="search" defaultValue={query.q ?? ""} maxLength={254} />
      </div>
      <div>
        <label htmlFor="people-role">Role</label>
        <select id="people-role" name="role" defaultValue={query.role ?? ""}>
          <option value="">Any role</option>
          <RoleOptions />
        </select>
      </div>
      <div>
        <label htmlFor="people-team">Team</label>
        <select id="people-team" name="team" defaultValue={query.team ?? ""}>
          <option value="">Any team</option>
          <option value="none">No team</option>
          <TeamOptions teams={teams} />
        </select>
      </div>
      <div>
        <label htmlFor="people-status">Status</label>
        <select id="people-status" name="status" defaultValue={query.status ?? ""}>
          <option value="">Anyone</option>
          <option value="active">Active</option>
          <option value="deactivated">Deactivated</option>
        </select>
      </div>
      {query.sort ? <input type="hidden" name="sort" value={query.sort} /> : null}
      {query.dir ? <input type="hidden" name="dir" value={query.dir} /> : null}
      <button type="submit">Find</button>
    </Form>
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

export function TeamsSection({ teams, busy }: { teams: Team[]; busy: boolean }) {
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
            <label htmlFor="team-lead">Manager's email (optional)</label>
            <input id="team-lead" name="leadEmail" type="email" maxLength={254} autoComplete="off" />
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
