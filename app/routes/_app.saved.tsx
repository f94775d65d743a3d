// The Saved tab: offline search over the whole catalog, what is saved on this device (size, freshness),
// kits to save in one go, storage use, persistent storage, actions waiting to be sent, and "request content".
// Everything here reads the device's IndexedDB and Cache Storage, so it works in airplane mode.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ClientLoaderFunctionArgs, ShouldRevalidateFunction } from "@remix-run/react";
import { Form, useSearchParams } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useState, type FormEvent } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TYPE_LABEL } from "~/components/item-list";
import { MarkdownText } from "~/components/markdown-text";
import { InstallHint } from "~/components/offline/install-hint";
import { useOnline } from "~/components/offline/offline-root";
import { ProgressBar, formatBytes } from "~/components/offline/save-for-offline";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import type { OutboxEntry, SavedRecord } from "~/offline/db";
import { discardFailed, listOutbox } from "~/offline/outbox";
import * as runtime from "~/offline/runtime";
import { clearSaved, removeSaved, saveMany, type Progress } from "~/offline/saved";
import { useAppUser } from "~/routes/_app";
import { isOfflineFailure } from "~/offline/fallback";
import { buildIndex, searchOffline, type OfflineIndex } from "~/offline/search";
import type { CatalogItem } from "~/offline/types";
import { RelativeTime } from "~/components/relative-time";

export const meta: MetaFunction = () => [{ title: "Saved · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request);
  return null;
}

// The page reads only the device; offline, the server's "you are signed in" check is skipped.
export async function clientLoader({ serverLoader }: ClientLoaderFunctionArgs) {
  try {
    return await serverLoader<typeof loader>();
  } catch (error) {
    if (!isOfflineFailure(error)) throw error;
    return null;
  }
}

// Searching here changes only the query string and is answered on the device: no server round trip.
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }) =>
  !formMethod && currentUrl.pathname === nextUrl.pathname ? false : defaultShouldRevalidate;

type DeviceState = {
  catalog: CatalogItem[];
  saved: SavedRecord[];
  outbox: OutboxEntry[];
  lastSyncAt: string | null;
  storage: { usage: number; quota: number } | null;
  persisted: boolean | null;
};

const MESSAGING = new Set(["talk_track", "battle_card", "objection_handling", "definition", "email_template"]);

function useDevice(userId: string) {
  const [state, setState] = useState<DeviceState | null>(null);
  const load = useCallback(async () => {
    const db = await runtime.offlineDb();
    const [catalog, saved, outbox, lastSyncAt] = await Promise.all([
      db.getAll("catalog"),
      db.getAll("saved"),
      listOutbox(db, userId),
      db.get("meta", "sync.lastAt") as Promise<string | undefined>,
    ]);
    const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
    const persisted = (await navigator.storage?.persisted?.().catch(() => null)) ?? null;
    setState({
      catalog,
      saved: saved.sort((a, b) => b.savedAt.localeCompare(a.savedAt)),
      outbox,
      lastSyncAt: lastSyncAt ?? null,
      storage: estimate ? { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null,
      persisted,
    });
  }, [userId]);
  useEffect(() => {
    void load();
    runtime.offlineEvents.addEventListener("change", load);
    return () => runtime.offlineEvents.removeEventListener("change", load);
  }, [load]);
  return { state, reload: load };
}

function kitsOf(catalog: CatalogItem[]) {
  const kits = new Map<string, { key: string; label: string; items: CatalogItem[] }>();
  for (const item of catalog) {
    for (const tag of item.tags) {
      if (tag.facet !== "industry" && tag.facet !== "product") continue;
      const key = `${tag.facet}:${tag.value}`;
      const kit = kits.get(key) ?? { key, label: tag.label, items: [] };
      kit.items.push(item);
      kits.set(key, kit);
    }
  }
  return [...kits.values()].filter((k) => k.items.length > 1).sort((a, b) => b.items.length - a.items.length || a.label.localeCompare(b.label));
}

export default function SavedPage() {
  const [params] = useSearchParams();
  const [hydrated, setHydrated] = useState(false);
  const online = useOnline();
  const user = useAppUser();
  const { state, reload } = useDevice(user.id);
  const [q, setQ] = useState(params.get("q") ?? "");
  const [type, setType] = useState(params.get("type") ?? "");
  const [progress, setProgress] = useState<{ label: string; p: Progress } | null>(null);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [confirmClear, setConfirmClear] = useState(false);
  const [request, setRequest] = useState("");

  useEffect(() => {
    runtime.startOffline(user.id);
    setHydrated(true);
  }, [user.id]);

  const index: OfflineIndex | null = useMemo(() => (state ? buildIndex(state.catalog) : null), [state?.catalog]);
  const savedIds = useMemo(() => new Set(state?.saved.map((s) => s.itemId)), [state?.saved]);
  const searching = q.trim() !== "" || type !== "";
  const hits = useMemo(() => (index && searching ? searchOffline(index, { q, type: type || undefined, limit: 30 }, savedIds) : []), [index, q, type, savedIds, searching]);
  const catalogById = useMemo(() => new Map(state?.catalog.map((c) => [c.id, c])), [state?.catalog]);

  const submitSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = new URLSearchParams();
    if (q.trim()) next.set("q", q.trim());
    if (type) next.set("type", type);
    window.history.replaceState(window.history.state, "", `/saved${next.toString() ? `?${next}` : ""}`);
  };

  const cacheOrFail = async () => {
    const cache = await runtime.savedCache();
    if (!cache) throw new Error("This browser cannot store files for offline use.");
    return cache;
  };

  const saveKit = async (label: string, items: CatalogItem[]) => {
    setMessage(null);
    try {
      const todo = items.filter((i) => !savedIds.has(i.id));
      const db = await runtime.offlineDb();
      const { saved, failed } = await saveMany(db, todo, {
        cache: await cacheOrFail(),
        origin: location.origin,
        kit: label,
        onProgress: (p) => setProgress({ label: `Saving ${label}`, p }),
      });
      setMessage(
        failed.length
          ? { tone: "error", text: `Saved ${saved.length} of ${todo.length}. ${failed[0].item.title}: ${failed[0].message}` }
          : { tone: "ok", text: `Saved ${saved.length} ${label} items on this device.` },
      );
    } catch (e) {
      setMessage({ tone: "error", text: (e as Error).message });
    } finally {
      setProgress(null);
      await reload();
    }
  };

  const remove = async (itemId: string) => {
    await removeSaved(await runtime.offlineDb(), await cacheOrFail(), itemId);
    await reload();
  };

  const clearAll = async () => {
    await clearSaved(await runtime.offlineDb(), await cacheOrFail());
    setConfirmClear(false);
    setMessage({ tone: "ok", text: "Removed every saved item from this device." });
    await reload();
  };

  const persist = async () => {
    const granted = await navigator.storage?.persist?.();
    setMessage(
      granted
        ? { tone: "ok", text: "Your saved items will be kept until you remove them." }
        : { tone: "error", text: "The browser did not allow permanent storage. Installing Fieldkit usually makes it possible." },
    );
    await reload();
  };

  const sendRequest = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = request.trim();
    if (text.length < 3) {
      setMessage({ tone: "error", text: "Describe what you need in a few words." });
      return;
    }
    await runtime.recordRequest({ text, query: q.trim() || undefined });
    setRequest("");
    setMessage({
      tone: "ok",
      text: navigator.onLine ? "Request sent to marketing." : "Request saved on this device; it will be sent when you're back online.",
    });
  };

  const pending = state?.outbox.filter((e) => !e.failed) ?? [];
  const failed = state?.outbox.filter((e) => e.failed) ?? [];
  const savedBytes = state?.saved.reduce((n, s) => n + s.bytes, 0) ?? 0;

  return (
    <>
      <h1>Saved</h1>
      {!hydrated ? (
        <p className="notice">Saved items and offline search need JavaScript; they appear here once the page has loaded.</p>
      ) : null}

      <section aria-labelledby="offline-search-title">
        <h2 id="offline-search-title">Search {online ? "" : "offline "}</h2>
        <Form method="get" role="search" onSubmit={submitSearch} className="offline-search">
          <label htmlFor="saved-q" className="visually-hidden">
            Search the catalog on this device
          </label>
          <input id="saved-q" name="q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Search titles, talk tracks, tags…" />
          <label htmlFor="saved-type" className="visually-hidden">
            Type
          </label>
          <select id="saved-type" name="type" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">All types</option>
            {Object.entries(TYPE_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          <button type="submit">Search</button>
        </Form>
        {state ? (
          <p className="meta">
            {state.catalog.length} items in the offline catalog
            {state.lastSyncAt ? (
              <>
                {" · updated "}
                <RelativeTime value={state.lastSyncAt} />
              </>
            ) : null}
          </p>
        ) : null}
        {searching && state ? (
          hits.length ? (
            <ul className="list" aria-label="Search results" aria-live="polite">
              {hits.map((h) => {
                const entry = catalogById.get(h.id);
                const readable = entry && MESSAGING.has(entry.type) && entry.bodyMd;
                return (
                  <li key={h.id} className="item-row offline-hit">
                    <div>
                      {/* A document link: offline the service worker answers it from the saved copy. */}
                      <a href={`/items/${h.id}`}>
                        <strong>{h.title}</strong>
                      </a>
                      <div className="meta">
                        {TYPE_LABEL[h.type] ?? h.type} ·{" "}
                        {h.saved ? <span className="badge published">Saved on device</span> : readable ? "Readable offline" : online ? "Online only" : "Needs a connection"}
                      </div>
                      {h.snippet ? <div className="meta">{h.snippet}</div> : null}
                      {readable ? (
                        <details>
                          <summary>Read here</summary>
                          <MarkdownText source={entry.bodyMd!} />
                        </details>
                      ) : null}
                    </div>
                  </li>
                );
              })}
            </ul>
          ) : (
            <EmptyState title="Nothing on this device matches">
              <p>Try fewer words, or ask marketing for it below.</p>
            </EmptyState>
          )
        ) : null}
      </section>

      <div aria-live="polite">
        {message ? (
          <p className={message.tone === "ok" ? "notice" : "form-error"} role={message.tone === "error" ? "alert" : undefined}>
            {message.text}
          </p>
        ) : null}
        {progress ? <ProgressBar progress={progress.p} label={progress.label} /> : null}
      </div>

      <section aria-labelledby="on-device-title">
        <h2 id="on-device-title">On this device</h2>
        {state && state.saved.length ? (
          <>
            <ul className="list" aria-label="Saved items">
              {state.saved.map((s) => (
                <li key={s.itemId} className="item-row saved-row">
                  <div>
                    <a href={`/items/${s.itemId}`}>
                      <strong>{s.title}</strong>
                    </a>
                    <div className="meta">
                      {TYPE_LABEL[s.type] ?? s.type} · {formatBytes(s.bytes)}
                      {s.version ? ` · v${s.version}` : ""}
                      {s.kit ? ` · ${s.kit} kit` : ""}
                      {s.stale ? (
                        <>
                          {" · "}
                          <span className="badge in_review">Updated</span>
                        </>
                      ) : null}
                    </div>
                  </div>
                  <button type="button" className="secondary" onClick={() => remove(s.itemId)} aria-label={`Remove ${s.title} from this device`}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            <p className="meta">
              {state.saved.length} saved · {formatBytes(savedBytes)}
            </p>
            {confirmClear ? (
              <p className="row">
                <button type="button" className="danger" onClick={clearAll}>
                  Yes, remove all
                </button>
                <button type="button" className="secondary" onClick={() => setConfirmClear(false)}>
                  Keep them
                </button>
              </p>
            ) : (
              <button type="button" className="secondary" onClick={() => setConfirmClear(true)}>
                Remove all saved items
              </button>
            )}
          </>
        ) : state ? (
          <EmptyState title="Nothing saved on this device yet">
            <p>Open an item and tap “Save for offline”, or save a whole kit below. Talk tracks, battle cards and definitions are readable offline anyway.</p>
          </EmptyState>
        ) : null}
      </section>

      {state && online ? (
        <section aria-labelledby="kits-title">
          <h2 id="kits-title">Save a kit</h2>
          <ul className="list">
            {kitsOf(state.catalog)
              .slice(0, 8)
              .map((kit) => {
                const missing = kit.items.filter((i) => !savedIds.has(i.id)).length;
                return (
                  <li key={kit.key} className="item-row">
                    <div>
                      <strong>{kit.label}</strong>
                      <div className="meta">
                        {kit.items.length} items{missing ? ` · ${missing} not saved` : " · all saved"}
                      </div>
                    </div>
                    <button type="button" disabled={!missing || !!progress} onClick={() => saveKit(kit.label, kit.items)}>
                      Save {kit.label} kit
                    </button>
                  </li>
                );
              })}
          </ul>
        </section>
      ) : null}

      {state ? (
        <section aria-labelledby="storage-title">
          <h2 id="storage-title">Storage</h2>
          {state.storage ? (
            <>
              <progress max={state.storage.quota || 1} value={state.storage.usage} aria-label="Storage used" />
              <p className="meta">
                Fieldkit uses {formatBytes(state.storage.usage)} of the {formatBytes(state.storage.quota)} this browser allows.
              </p>
            </>
          ) : (
            <p className="meta">This browser does not report storage use.</p>
          )}
          {state.persisted ? (
            <p className="meta">Saved items are kept until you remove them.</p>
          ) : (
            <p>
              <button type="button" className="secondary" onClick={persist}>
                Keep my saved items
              </button>{" "}
              <span className="meta">Otherwise the browser may delete them when the phone runs low on space.</span>
            </p>
          )}
          <p className="meta">
            On iPhone and iPad, the installed app and Safari keep separate storage, and Safari can delete data of sites you haven't
            opened for a few weeks: install Fieldkit, save items from the installed app, and open it now and then.
          </p>
        </section>
      ) : null}

      {pending.length || failed.length ? (
        <section aria-labelledby="outbox-title">
          <h2 id="outbox-title">Waiting to be sent</h2>
          {pending.length ? (
            <p>
              {pending.length} action{pending.length === 1 ? "" : "s"} (views, feedback, requests) will be sent {online ? "shortly" : "when you're back online"}.
            </p>
          ) : null}
          {failed.length ? (
            <div className="form-error">
              <p>
                {failed.length} action{failed.length === 1 ? "" : "s"} could not be sent: {failed[0].lastError}
              </p>
              <button
                type="button"
                className="secondary"
                onClick={async () => {
                  await discardFailed(await runtime.offlineDb(), failed[0].userId);
                  await reload();
                }}
              >
                Discard
              </button>
            </div>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="request-title">
        <h2 id="request-title">Can't find it? Request content</h2>
        {/* Without JavaScript this opens the full request page; with it, the request goes through the outbox. */}
        <Form method="get" action="/requests/new" onSubmit={sendRequest}>
          <label htmlFor="request-text">What do you need?</label>
          <textarea id="request-text" name="text" rows={3} maxLength={1000} value={request} onChange={(e) => setRequest(e.target.value)} />
          <input type="hidden" name="q" value={q} />
          <p>
            <button type="submit">Request content</button>
          </p>
        </Form>
      </section>

      <InstallHint />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
