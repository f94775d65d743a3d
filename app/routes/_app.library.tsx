import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ItemList } from "~/components/item-list";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { seesWholeLibrary } from "~/modules/library/audience.server";
import { countItemsByStatus, listItems } from "~/modules/library/items.server";
import { trustLists } from "~/modules/library/lifecycle.server";
import { ITEM_STATUSES } from "../../db/schema";

export const meta: MetaFunction = () => [{ title: "Library · Fieldkit" }];

const Query = z.object({
  status: z.enum(ITEM_STATUSES).optional().catch(undefined),
  owner: z.enum(["me", "all"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  const { status, owner } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const desk = seesWholeLibrary(user);
  const [items, counts, trust] = await Promise.all([
    listItems(context.app.db, { user, status, limit: 200 }),
    countItemsByStatus(context.app.db, { user }),
    desk ? trustLists(context.app.db, user, { mine: owner !== "all" }) : null,
  ]);
  return { items, counts, canSeeAllStatuses: user.role !== "manager", trust, ownerScope: owner ?? "me" };
}

const day = (d: string | Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : "—");

export default function Library() {
  const { items, counts, canSeeAllStatuses, trust, ownerScope } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const current = params.get("status");
  const attention = trust ? trust.expiring.length + trust.stale.length + trust.problems.length : 0;
  return (
    <>
      <div className="row heading-row">
        <h1>Library</h1>
        {canSeeAllStatuses ? (
          <Link className="button" to="/publish">
            Publish
          </Link>
        ) : null}
      </div>

      {trust ? (
        <section aria-labelledby="attention-h" className="attention">
          <h2 id="attention-h">
            Needs attention {attention ? <span className="badge in_review">{attention}</span> : null}
          </h2>
          <nav aria-label="Whose items" className="row tabs">
            <Link to="?owner=me" aria-current={ownerScope === "me" ? "page" : undefined}>
              Items I own
            </Link>
            <Link to="?owner=all" aria-current={ownerScope === "all" ? "page" : undefined}>
              All items
            </Link>
          </nav>
          {attention === 0 ? (
            <p className="meta">Nothing is expiring in the next 30 days, overdue for re-verification, or blocked.</p>
          ) : (
            <div className="trust-grid">
              <TrustList title="Expiring within 30 days" rows={trust.expiring.map((i) => ({ ...i, note: `expires ${day(i.expiresAt)}` }))} />
              <TrustList
                title="Not re-verified in time"
                rows={trust.stale.map((i) => ({ ...i, note: `last verified ${day(i.verifiedAt)}, every ${i.verifyIntervalDays} days` }))}
              />
              <TrustList title="Blocked drafts" rows={trust.problems.map((i) => ({ ...i, note: i.problem ?? "" }))} />
            </div>
          )}
        </section>
      ) : null}

      {canSeeAllStatuses ? (
        <nav aria-label="Filter by status" className="row" style={{ marginBottom: "1rem" }}>
          <Link to="/library" aria-current={!current ? "page" : undefined}>
            All
          </Link>
          {ITEM_STATUSES.map((s) => (
            <Link key={s} to={`/library?status=${s}`} aria-current={current === s ? "page" : undefined}>
              {s.replace("_", " ")} ({counts[s] ?? 0})
            </Link>
          ))}
        </nav>
      ) : null}
      {items.length ? (
        <ItemList items={items} showStatus />
      ) : (
        <EmptyState title="No items here">
          <p>{canSeeAllStatuses ? <Link to="/publish">Publish the first piece of content</Link> : "Nothing is published for your teams yet."}</p>
        </EmptyState>
      )}
    </>
  );
}

function TrustList({ title, rows }: { title: string; rows: { id: string; title: string; note: string }[] }) {
  if (rows.length === 0) return null;
  return (
    <div className="card">
      <h3>{title}</h3>
      <ul className="plain">
        {rows.map((r) => (
          <li key={r.id}>
            <Link to={`/items/${r.id}`}>{r.title}</Link>
            <div className="meta">{r.note}</div>
          </li>
        ))}
      </ul>
    </div>
  );
}
