import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ItemList } from "~/components/item-list";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { listItemCards } from "~/modules/library/cards.server";
import { latestFromCatalog, thumbnailPreview } from "~/offline/catalog-views";
import { isOfflineFailure } from "~/offline/fallback";
import { useAppUser } from "./_app";

export const meta: MetaFunction = () => [{ title: "Home · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const latest = await listItemCards(context.app.db, { user, limit: 15 });
  return { latest, offline: false };
}

// Offline (or the server unreachable), Home is built from the catalog on the device.
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  try {
    return await serverLoader<typeof loader>();
  } catch (error) {
    if (!isOfflineFailure(error)) throw error;
    const { offlineDb } = await import("~/offline/runtime");
    const db = await offlineDb();
    const [catalog, saved] = await Promise.all([db.getAll("catalog"), db.getAllKeys("saved")]);
    const onDevice = new Set(saved);
    // Only a saved item's thumbnail is on the device; the others show their type's icon.
    const latest = latestFromCatalog(catalog).map((i) => ({
      id: i.id,
      type: i.type,
      title: i.title,
      summary: i.summary,
      thumb: onDevice.has(i.id) ? thumbnailPreview(i.previews) : null,
    }));
    return { latest, offline: true };
  }
}

export default function Home() {
  const { latest, offline } = useLoaderData<typeof clientLoader>();
  const user = useAppUser();
  return (
    <>
      <h1>Hi {user.name.split(" ")[0]}</h1>
      <p>
        <Link className="button secondary" to="/search" style={{ width: "100%" }}>
          Search the library
        </Link>
      </p>
      <h2>New and updated</h2>
      {offline ? <p className="meta">From the catalog on this device.</p> : null}
      {latest.length ? (
        <ItemList items={latest} />
      ) : (
        <EmptyState title={offline ? "The catalog isn't on this device yet" : "Nothing published for your team yet"}>
          <p>
            {offline
              ? "Open Fieldkit once with a connection and it keeps a copy for offline use."
              : "When marketing publishes content for your team it appears here."}
          </p>
        </EmptyState>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
