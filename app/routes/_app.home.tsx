import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ItemList } from "~/components/item-list";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { listItemCards, recentlyOpenedCards } from "~/modules/library/cards.server";
import { latestFromCatalog, thumbnailPreview } from "~/offline/catalog-views";
import { isOfflineFailure } from "~/offline/fallback";
import { META } from "~/offline/db";
import { mergeRecent } from "~/offline/recent";
import type { CatalogItem } from "~/offline/types";
import { useAppUser } from "./_app";

export const meta: MetaFunction = () => [{ title: "Home · Fieldkit" }];

/** How many recently opened items Home lists. */
const RECENT = 4;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const [recent, latest] = await Promise.all([
    recentlyOpenedCards(context.app.db, { user, limit: RECENT }),
    listItemCards(context.app.db, { user, limit: 15 }),
  ]);
  return { recent, latest, offline: false };
}

// Online, what this device opened since joins the server's "Recently opened" at once; offline (or the
// server unreachable), Home is built from the catalog and the opens on the device.
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  // The device's recent opens as cards: one catalog read per remembered item (at most 20), not the catalog.
  const device = async (withThumbs: (i: CatalogItem) => number | null) => {
    const [{ offlineDb, offlineUserId }, { recentOpens }] = await Promise.all([import("~/offline/runtime"), import("~/offline/recent")]);
    const db = await offlineDb();
    // Before the page has started the store (an offline load), the device's last signed-in person.
    const who = offlineUserId() ?? String((await db.get("meta", META.userId)) ?? "");
    const entries = await Promise.all((await recentOpens(db, who)).map((id) => db.get("catalog", id)));
    const card = (i: CatalogItem) => ({ id: i.id, type: i.type, title: i.title, summary: i.summary, thumb: withThumbs(i) });
    // Only items still in the catalog: one the seller lost access to has left it.
    return { db, card, recent: entries.flatMap((i) => (i ? [card(i)] : [])) };
  };
  try {
    const data = await serverLoader<typeof loader>();
    const mine = await device((i) => thumbnailPreview(i.previews)).catch(() => null);
    return mine ? { ...data, recent: mergeRecent(mine.recent, data.recent, RECENT) } : data;
  } catch (error) {
    if (!isOfflineFailure(error)) throw error;
    const { offlineDb } = await import("~/offline/runtime");
    const onDevice = new Set(await (await offlineDb()).getAllKeys("saved"));
    // Only a saved item's thumbnail is on the device; the others show their type's icon.
    const mine = await device((i) => (onDevice.has(i.id) ? thumbnailPreview(i.previews) : null));
    const latest = latestFromCatalog(await mine.db.getAll("catalog")).map(mine.card);
    return { recent: mine.recent.slice(0, RECENT), latest, offline: true };
  }
}

export default function Home() {
  const { recent, latest, offline } = useLoaderData<typeof clientLoader>();
  const user = useAppUser();
  return (
    <>
      <h1>Hi {user.name.split(" ")[0]}</h1>
      <p>
        <Link className="button secondary" to="/search" style={{ width: "100%" }}>
          Search the library
        </Link>
      </p>
      {recent.length ? (
        <section aria-labelledby="recent-h">
          <h2 id="recent-h">Recently opened</h2>
          <ItemList items={recent} compact />
        </section>
      ) : null}
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
