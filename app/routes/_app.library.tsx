import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { ItemList } from "~/components/item-list";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { countItemsByStatus, listItems } from "~/modules/library/items.server";
import { ITEM_STATUSES } from "../../db/schema";

export const meta: MetaFunction = () => [{ title: "Library · Fieldkit" }];

const Query = z.object({ status: z.enum(ITEM_STATUSES).optional().catch(undefined) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  const { status } = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [items, counts] = await Promise.all([
    listItems(context.app.db, { user, status, limit: 200 }),
    countItemsByStatus(context.app.db, { user }),
  ]);
  return { items, counts, canSeeAllStatuses: user.role !== "manager" };
}

export default function Library() {
  const { items, counts, canSeeAllStatuses } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const current = params.get("status");
  return (
    <>
      <h1>Library</h1>
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
