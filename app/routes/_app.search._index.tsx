import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useFetcher, useLoaderData, useLocation, type ClientLoaderFunctionArgs } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { FACET_LABEL } from "@/vocabulary/library";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { OfflineSearchResults } from "~/components/offline/offline-search-results";
import { EmptyState } from "~/components/shell";
import { Hits, type SearchView } from "~/components/search/search-hits";
import { SelectBar, useShareSelection } from "~/components/share-select/select-mode";
import { requireUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { thumbnailsFor } from "~/modules/library/cards.server";
import { nextPage, parseSearchParams, searchItems } from "~/modules/search/search.server";
import { shareableIds } from "~/modules/shares/forms.server";
import { canManageSynonyms } from "~/modules/search/synonyms.server";
import { isOfflineFailure } from "~/offline/fallback";

export const meta: MetaFunction = () => [{ title: "Search · Fieldkit" }];

/**
 * `offline`: the server could not be reached; the page answers from the catalog on the device instead.
 * `nextPage`: where "More results" leads, decided on the server, which knows how deep a search may page.
 */
type LoaderData = {
  result: SearchView | null;
  error: string | null;
  params: string;
  canManageSynonyms: boolean;
  nextPage: number | null;
  offline?: boolean;
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const params = new URL(request.url).searchParams;
  params.delete("index");
  const manage = canManageSynonyms(user);
  try {
    const found = await searchItems(context.app, user, parseSearchParams(params));
    const ids = found.hits.map((h) => h.id);
    const [thumbs, shareable] = await Promise.all([thumbnailsFor(context.app.db, { user, ids }), shareableIds(context.app.db, user, ids)]);
    const result = { ...found, hits: found.hits.map((h) => ({ ...h, thumb: thumbs.get(h.id) ?? null, shareable: shareable.has(h.id) })) };
    return data<LoaderData>({ result, error: null, params: params.toString(), canManageSynonyms: manage, nextPage: nextPage(found) });
  } catch (error) {
    if (error instanceof AppError && error.status === 400) {
      return data<LoaderData>(
        { result: null, error: error.message, params: params.toString(), canManageSynonyms: manage, nextPage: null },
        { status: 400 },
      );
    }
    throw error;
  }
}

/** A search's parameters as its data names them: without Remix's `index`, in a fixed order. */
function searchParamsOf(search: string): string {
  const params = new URLSearchParams(search);
  params.delete("index");
  params.sort();
  return params.toString();
}

/** The page answered from the device's catalog, when the server cannot be reached. */
const offlineView = (params: string): LoaderData => ({
  result: null,
  error: null,
  params,
  canManageSynonyms: false,
  nextPage: null,
  offline: true,
});

export async function clientLoader({ request, serverLoader }: ClientLoaderFunctionArgs): Promise<LoaderData> {
  try {
    return await serverLoader<typeof loader>();
  } catch (error) {
    if (!isOfflineFailure(error)) throw error;
    return offlineView(searchParamsOf(new URL(request.url).search));
  }
}

const RECENT_KEY = "fieldkit.recentSearches";
const DEBOUNCE_MS = 180;

function readRecent(): string[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter((q): q is string => typeof q === "string").slice(0, 8) : [];
  } catch {
    return [];
  }
}
function remember(q: string) {
  const query = q.trim();
  if (!query) return;
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify([query, ...readRecent().filter((r) => r !== query)].slice(0, 8)));
  } catch {
    // Private mode or full storage: recent searches are a convenience only.
  }
}

/** The same query string with one chip toggled (type=… or tag=facet:value); page resets. */
function toggled(params: string, facet: string, value: string): string {
  const sp = new URLSearchParams(params);
  const key = facet === "type" ? "type" : "tag";
  const v = facet === "type" ? value : `${facet}:${value}`;
  const current = sp.getAll(key);
  sp.delete(key);
  for (const c of current.includes(v) ? current.filter((c) => c !== v) : [...current, v]) sp.append(key, c);
  sp.delete("page");
  return sp.toString();
}

export default function Search() {
  const loaderData = useLoaderData<typeof clientLoader>();
  const fetcher = useFetcher<typeof clientLoader>();
  const location = useLocation();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  // Typing shows the fetcher's answers; a navigation (chip, Enter, back) shows the page's own again.
  const [live, setLive] = useState(false);
  const [recent, setRecent] = useState<string[]>([]);
  // The selection outlives a new query, so a seller can pick a deck from one search and a one-pager from another.
  const sel = useShareSelection();
  useEffect(() => setLive(false), [location.key]);
  useEffect(() => setRecent(readRecent()), []);
  useEffect(() => () => clearTimeout(timer.current), []);

  // Data made for another address is a page copy the service worker answered with offline (the bare Search
  // page, for /search?q=… opened or reloaded without a connection): the device answers instead, for this
  // address. NOTE: it showed the empty Search page, the query gone, when a seller pulled to refresh. Only
  // once hydrated: the copy's HTML is of its own address, and hydration must render what it holds.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const here = searchParamsOf(location.search);
  const page = !hydrated || searchParamsOf(loaderData.params) === here ? loaderData : offlineView(here);
  const view: LoaderData = live && fetcher.data ? fetcher.data : page;
  const { result, error, params } = view;
  const sp = new URLSearchParams(params);
  const q = sp.get("q") ?? "";
  /** Words or a filter: before either, the page suggests searches instead of listing the library. */
  const asked = Boolean(q || sp.has("type") || sp.has("tag"));
  const busy = fetcher.state === "loading";

  function onInput() {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (!formRef.current) return;
      setLive(true);
      // A new load on the same fetcher aborts the previous request, so a slow answer never overwrites a newer one.
      fetcher.submit(formRef.current, { method: "get", action: "/search?index" });
    }, DEBOUNCE_MS);
  }
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    clearTimeout(timer.current);
    remember(new FormData(event.currentTarget).get("q")?.toString() ?? "");
  };

  return (
    <div className="search-page">
      <h1>Search</h1>
      <Form method="get" role="search" ref={formRef} onSubmit={onSubmit} className="search-form">
        <label htmlFor="search-q" className="visually-hidden">
          Search the library
        </label>
        <input
          id="search-q"
          key={page.params}
          type="search"
          name="q"
          defaultValue={new URLSearchParams(page.params).get("q") ?? ""}
          placeholder="Search decks, battle cards, pricing…"
          autoComplete="off"
          enterKeyHint="search"
          maxLength={200}
          onInput={onInput}
        />
        {sp.getAll("type").map((t) => (
          <input key={`type-${t}`} type="hidden" name="type" value={t} />
        ))}
        {sp.getAll("tag").map((t) => (
          <input key={`tag-${t}`} type="hidden" name="tag" value={t} />
        ))}
        <button type="submit">Search</button>
      </Form>

      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}

      {result && asked ? <FacetChips result={result} params={params} /> : null}

      <p className="search-status" aria-live="polite">
        {busy
          ? "Searching…"
          : result && q
            ? `${result.total}${result.totalExact ? "" : "+"} result${result.total === 1 ? "" : "s"} for “${q}”`
            : ""}
      </p>

      {view.offline ? (
        <OfflineSearchResults q={q} type={sp.get("type") ?? undefined} tag={sp.get("tag") ?? undefined} />
      ) : !asked ? (
        <RecentSearches recent={recent} />
      ) : result && result.hits.length === 0 ? (
        <EmptyState title={`Nothing found for “${q}”`}>
          <p>Try fewer words or remove a filter. If the content does not exist yet, ask marketing for it.</p>
          <p>
            <Link className="button" to={`/requests/new?${new URLSearchParams({ q })}`}>
              Request this content
            </Link>
          </p>
        </EmptyState>
      ) : result ? (
        <>
          <SelectBar sel={sel} label="results" />
          <Hits result={result} onOpen={() => remember(q)} sel={sel} />
        </>
      ) : null}

      {/* Only under a page of hits that really has a next page: never on an empty, offline or not-yet-asked page. */}
      {!view.offline && asked && result && view.nextPage ? (
        <p>
          <Link className="button secondary" to={`/search?${withPage(params, view.nextPage)}`}>
            More results
          </Link>
        </p>
      ) : null}
      {loaderData.canManageSynonyms ? (
        <p className="meta">
          <Link to="/search/synonyms">Manage synonyms</Link>
        </p>
      ) : null}
    </div>
  );
}

function withPage(params: string, page: number) {
  const sp = new URLSearchParams(params);
  sp.set("page", String(page));
  return sp.toString();
}

function FacetChips({ result, params }: { result: SearchView; params: string }) {
  const sp = new URLSearchParams(params);
  const active = (facet: string, value: string) =>
    facet === "type" ? sp.getAll("type").includes(value) : sp.getAll("tag").includes(`${facet}:${value}`);
  const groups = Object.entries(result.facets).filter(([, values]) => values.length > 0);
  if (groups.length === 0) return null;
  return (
    <div className="chips" aria-label="Filters">
      {groups.map(([facet, values]) => (
        <div key={facet} role="group" aria-label={FACET_LABEL[facet] ?? facet} className="chip-group">
          <span className="chip-facet">{FACET_LABEL[facet] ?? facet}</span>
          {values.map((v) => {
            const on = active(facet, v.value);
            return (
              <Link
                key={v.value}
                className={on ? "chip active" : "chip"}
                to={`/search?${toggled(params, facet, v.value)}`}
                aria-pressed={on}
                role="button"
                preventScrollReset
              >
                {v.label} <span className="chip-count">{v.count}</span>
              </Link>
            );
          })}
        </div>
      ))}
    </div>
  );
}

function RecentSearches({ recent }: { recent: string[] }) {
  if (recent.length === 0) {
    return (
      <EmptyState title="Find the right piece in seconds">
        <p>Search titles, tags and the text inside documents. Typos are fine.</p>
      </EmptyState>
    );
  }
  return (
    <section aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent searches</h2>
      <ul className="list">
        {recent.map((r) => (
          <li key={r}>
            <Link className="item-row" to={`/search?${new URLSearchParams({ q: r })}`}>
              {r}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
