import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useEffect, useState } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { ItemList } from "~/components/item-list";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { listItemCards, recentlyOpenedCards } from "~/modules/library/cards.server";
import { isOfflineFailure } from "~/offline/fallback";
import { META } from "~/offline/db";
import type { HomeData, ServerHome } from "~/offline/home";
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
  // Stored by the worker, this page is answered offline later: the device compares it with its catalog.
  return { recent, latest, offline: false, renderedAt: new Date().toISOString() };
}

/**
 * The device's part of Home: what this device opened joins the server's "Recently opened" at once, and a
 * copy of the page older than the catalog gives way to it, so an item the last sync removed is not listed
 * (app/offline/home.ts). With no page (offline, no copy), Home from the device's catalog.
 */
async function withDevice(data: ServerHome | null): Promise<HomeData & { device: true }> {
  const [{ offlineDb, offlineUserId }, home] = await Promise.all([import("~/offline/runtime"), import("~/offline/home")]);
  const db = await offlineDb();
  // Before the page has started the store (an offline load), the device's last signed-in person.
  const who = offlineUserId() ?? String((await db.get("meta", META.userId)) ?? "");
  const merged = data ? await home.homeWithDevice(db, who, data, RECENT) : await home.homeFromDevice(db, who, RECENT);
  return { ...merged, device: true };
}

// Offline, Home is the worker's copy of the page, or with none the device's catalog.
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  const data = await serverLoader<typeof loader>().catch((error: unknown) => {
    if (!isOfflineFailure(error)) throw error;
    return null;
  });
  if (!data) return withDevice(null);
  // No usable store (private mode, an old browser) or a module that did not load: the server's page as it came.
  return withDevice(data).catch(() => data);
}

export default function Home() {
  const loaded = useLoaderData<typeof clientLoader>();
  // A document's page (the server's, or offline the worker's copy) gets the device's part after hydration.
  // NOTE: not by the client loader at hydration (`clientLoader.hydrate`): a tap made while it ran was
  // overtaken by it, and the seller tapping Me stayed on Home with /me in the address bar.
  const [merged, setMerged] = useState<{ from: object; home: HomeData } | null>(null);
  useEffect(() => {
    if ("device" in loaded) return;
    let cancelled = false;
    withDevice(loaded).then(
      (home) => cancelled || setMerged({ from: loaded, home }),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [loaded]);
  const { recent, latest, offline } = merged?.from === loaded ? merged.home : loaded;
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
