import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { EmptyState } from "~/components/shell";
import { AuditQuery, listAudit } from "~/modules/audit/audit.server";
import { requireUser } from "~/modules/auth/guard.server";

export const meta: MetaFunction = () => [{ title: "Audit log · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const url = new URL(request.url);
  const query = AuditQuery.parse(Object.fromEntries(url.searchParams));
  const entries = await listAudit(context.app.db, { actor, query, limit: 200 });
  return { entries, query, csvHref: `/admin/audit.csv${url.search}` };
}

export default function AuditLog() {
  const { entries, query, csvHref } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/admin">← People and teams</Link>
      </p>
      <h1>Audit log</h1>
      <Form method="get" className="row card" aria-label="Filter the audit log">
        <div>
          <label htmlFor="from">From</label>
          <input id="from" name="from" type="date" defaultValue={query.from} />
        </div>
        <div>
          <label htmlFor="to">To</label>
          <input id="to" name="to" type="date" defaultValue={query.to} />
        </div>
        <div>
          <label htmlFor="action">Action</label>
          <input id="action" name="action" defaultValue={query.action} placeholder="e.g. user.role_changed" />
        </div>
        <button type="submit" style={{ flex: "0 0 auto" }}>
          Filter
        </button>
        <a className="button secondary" href={csvHref} download style={{ flex: "0 0 auto" }}>
          Download CSV
        </a>
      </Form>
      {entries.length ? (
        <div className="table-wrap" style={{ marginTop: "1rem" }}>
          <table>
            <caption className="visually-hidden">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{new Date(e.at).toLocaleString()}</td>
                  <td>{e.actor ?? "system"}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.targetType}
                    {e.targetId ? <div className="meta">{e.targetId}</div> : null}
                  </td>
                  <td>
                    <code>{JSON.stringify(e.details)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState title="Nothing recorded for these filters" />
      )}
    </>
  );
}
