import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ItemList } from "~/components/item-list";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { listItems } from "~/modules/library/items.server";

export const meta: MetaFunction = () => [{ title: "Home · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const latest = await listItems(context.app.db, { user, status: "published", limit: 15 });
  return { name: user.name.split(" ")[0], latest };
}

export default function Home() {
  const { name, latest } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Hi {name}</h1>
      <p>
        <Link className="button secondary" to="/search" style={{ width: "100%" }}>
          Search the library
        </Link>
      </p>
      <h2>New and updated</h2>
      {latest.length ? (
        <ItemList items={latest} />
      ) : (
        <EmptyState title="Nothing published for your team yet">
          <p>When marketing publishes content for your team it appears here.</p>
        </EmptyState>
      )}
    </>
  );
}
