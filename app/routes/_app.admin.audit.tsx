import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Fragment } from "react";
import { EmptyState } from "~/components/shell";
import { DataTable } from "~/components/data-table";
import { OlderPager } from "~/components/older-pager";
import { AuditQuery, ITEM_ACTIONS, OTHER_ACTIONS, auditPage } from "~/modules/audit/audit.server";
import { requireUser } from "~/modules/auth/guard.server";
import { formatDateTime } from "@/vocabulary/dates";

export const meta: MetaFunction = () => [{ title: "Audit log · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const url = new URL(request.url);
  const query = AuditQuery.parse(Object.fromEntries(url.searchParams));
  const { entries, next } = await auditPage(context.app.db, { actor, query, limit: 100 });
  const filters = new URLSearchParams(url.search);
  filters.delete("before");
  return {
    entries,
    next,
    query,
    csvHref: `/admin/audit.csv${filters.size ? `?${filters}` : ""}`,
    actions: [...Object.keys(ITEM_ACTIONS), ...OTHER_ACTIONS],
    labels: ITEM_ACTIONS as Record<string, string>,
  };
}

export default function AuditLog() {
  const { entries, next, query, csvHref, actions, labels } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/admin">← People and teams</Link>
      </p>
      <h1>Audit log</h1>
      <Form method="get" className="row card filters compact-fields" aria-label="Filter the audit log">
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
          <input id="action" name="action" defaultValue={query.action} placeholder="e.g. item.published" list="audit-actions" />
          <datalist id="audit-actions">
            {actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="kind">Kind</label>
          <select id="kind" name="kind" defaultValue={query.kind ?? ""}>
            <option value="">Everything</option>
            <option value="item">Library items</option>
            <option value="user">People</option>
            <option value="team">Teams</option>
            <option value="token">API tokens</option>
            <option value="tag">Tags</option>
            <option value="share">Buyer shares</option>
          </select>
        </div>
        <div>
          <label htmlFor="actor">Who</label>
          <input id="actor" name="actor" defaultValue={query.actor} placeholder="email, or system" />
        </div>
        <div>
          <label htmlFor="target">Target id</label>
          <input id="target" name="target" defaultValue={query.target} placeholder="e.g. an item's id" />
        </div>
        <button type="submit">Filter</button>
        <a className="button secondary" href={csvHref} download>
          Download CSV
        </a>
      </Form>
      {entries.length ? (
        <DataTable
          label="Table of audit entries"
          className="audit-table cards-on-phone"
          caption="Audit entries, newest first"
          columns={["When", "Who", "Action", "Target", "Details"]}
        >
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.at)}</td>
              <td>{e.actor}</td>
              <td className="card-wide">
                {/* Breaks after its dots (item.<wbr>published), not inside a word, in a narrow column. */}
                <code className="action-code">
                  {e.action.split(".").map((part, i) => (
                    <Fragment key={i}>
                      {i > 0 ? "." : null}
                      {i > 0 ? <wbr /> : null}
                      {part}
                    </Fragment>
                  ))}
                </code>
                {labels[e.action] ? <div className="meta">{labels[e.action]}</div> : null}
              </td>
              <td className="card-wide">
                {e.targetType === "item" && e.targetId ? (
                  <Link to={`/items/${e.targetId}`}>{e.itemTitle ?? String(e.details.title ?? e.targetId)}</Link>
                ) : (
                  (e.targetName ?? e.targetType)
                )}
                {e.targetId ? (
                  <div className="meta">
                    <Link to={`?target=${encodeURIComponent(e.targetId)}`} aria-label={`Everything recorded for ${e.targetId}`}>
                      {e.targetId}
                    </Link>
                  </div>
                ) : null}
              </td>
              <td className="audit-details card-wide">
                {e.summary}
                <details>
                  <summary className="meta">Raw</summary>
                  <code>{JSON.stringify(e.details)}</code>
                </details>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : (
        <EmptyState
          title={Object.values(query).some((v) => v !== undefined) ? "Nothing recorded for these filters" : "Nothing recorded yet"}
        />
      )}
      <OlderPager next={next} noun="entries" />
    </>
  );
}
