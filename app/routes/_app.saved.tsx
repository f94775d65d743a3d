// The Saved tab: offline search over the whole catalog, what is saved on this device (size, freshness),
// kits to save in one go, storage use, persistent storage, actions waiting to be sent, and "request content".
// Everything here reads the device's IndexedDB and Cache Storage, so it works in airplane mode.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { type ClientLoaderFunctionArgs, type ShouldRevalidateFunction, useSearchParams } from "@remix-run/react";
import { useEffect, useMemo, useState } from "react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { InstallHint } from "~/components/offline/install-hint";
import { RemovalUndoNotice, useRemovalUndo } from "~/components/offline/removal-undo";
import { useOnline } from "~/components/offline/network-status";
import { ProgressBar } from "~/components/offline/save-for-offline";
import { KitsSection, OutboxSection, RequestSection, StorageSection } from "~/components/saved/device-sections";
import { OfflineSearchSection } from "~/components/saved/offline-search-section";
import { SavedItemsSection } from "~/components/saved/saved-items-section";
import { savedCacheOrFail, useDevice, type Message } from "~/components/saved/use-device";
import { requireUser } from "~/modules/auth/guard.server";
import { isExpired } from "~/offline/catalog-views";
import { isOnline } from "~/offline/connectivity";
import { isOfflineFailure } from "~/offline/fallback";
import { discardFailed } from "~/offline/outbox";
import * as runtime from "~/offline/runtime";
import { removeSavedUndoably, saveMany, type Progress } from "~/offline/saved";
import { useAppUser } from "./_app";
import type { CatalogItem } from "~/offline/types";

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

export default function SavedPage() {
  const [params] = useSearchParams();
  const [hydrated, setHydrated] = useState(false);
  const online = useOnline();
  const user = useAppUser();
  const { state, reload } = useDevice(user.id);
  const [query, setQuery] = useState(params.get("q") ?? "");
  const [progress, setProgress] = useState<{ label: string; p: Progress } | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const { offer, offerUndo, dismiss } = useRemovalUndo();

  useEffect(() => {
    runtime.startOffline(user.id);
    setHydrated(true);
  }, [user.id]);

  const savedIds = useMemo(() => new Set(state?.saved.map((s) => s.itemId)), [state?.saved]);
  // A kit offers only what the seller may still use: the server refuses to save an expired item.
  const current = useMemo(() => state?.catalog.filter((i) => !isExpired(i)) ?? [], [state?.catalog]);

  const saveKit = async (label: string, items: CatalogItem[]) => {
    setMessage(null);
    dismiss();
    try {
      const todo = items.filter((i) => !savedIds.has(i.id));
      const { saved, failed } = await saveMany(await runtime.offlineDb(), todo, {
        cache: await savedCacheOrFail(),
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

  const removeFromDevice = async (itemIds: string[], text: string, undone: string) => {
    setMessage(null);
    const undo = await removeSavedUndoably(await runtime.offlineDb(), await savedCacheOrFail(), itemIds);
    offerUndo(
      text,
      async () => {
        await undo();
        await reload();
      },
      undone,
    );
    await reload();
  };
  const remove = (itemId: string) => {
    const title = state?.saved.find((s) => s.itemId === itemId)?.title ?? "The item";
    return removeFromDevice([itemId], `Removed “${title}” from this device.`, `“${title}” is back on this device.`);
  };
  const clearAll = () => {
    const ids = state?.saved.map((s) => s.itemId) ?? [];
    const n = `${ids.length} saved item${ids.length === 1 ? "" : "s"}`;
    return removeFromDevice(
      ids,
      `Removed ${n} from this device.`,
      ids.length === 1 ? "It is back on this device." : `The ${n} are back on this device.`,
    );
  };

  const sendRequest = async (text: string) => {
    if (text.length < 3) {
      setMessage({ tone: "error", text: "Describe what you need in a few words." });
      return false;
    }
    const outcome = await runtime.recordRequest({ text, query: query.trim() || undefined });
    if (outcome.status === "refused" || outcome.status === "not-started") {
      const why = outcome.status === "refused" ? outcome.message : "this page has not finished loading; try again in a moment.";
      setMessage({ tone: "error", text: `The request was not taken: ${why}` });
      return false;
    }
    const queued = isOnline()
      ? "Request saved on this device; it goes to marketing with the next send, shortly."
      : "Request saved on this device; it will be sent when you're back online.";
    setMessage({ tone: "ok", text: outcome.status === "sent" ? "Request sent to marketing." : queued });
    return true;
  };

  return (
    <>
      <h1>Saved</h1>
      {!hydrated ? (
        <p className="notice">Saved items and offline search need JavaScript; they appear here once the page has loaded.</p>
      ) : null}
      <OfflineSearchSection
        state={state}
        savedIds={savedIds}
        online={online}
        initial={{ q: params.get("q") ?? "", type: params.get("type") ?? "" }}
        onQuery={setQuery}
      />
      <div aria-live="polite">
        {message ? (
          <p className={message.tone === "ok" ? "notice" : "form-error"} role={message.tone === "error" ? "alert" : undefined}>
            {message.text}
          </p>
        ) : null}
        {progress ? <ProgressBar progress={progress.p} label={progress.label} /> : null}
      </div>
      <RemovalUndoNotice offer={offer} />
      <SavedItemsSection state={state} online={online} onRemove={remove} onClear={clearAll} />
      {state && online ? <KitsSection catalog={current} savedIds={savedIds} busy={!!progress} onSave={saveKit} /> : null}
      {state ? <StorageSection state={state} onMessage={setMessage} reload={reload} /> : null}
      {state ? (
        <OutboxSection
          outbox={state.outbox}
          online={online}
          onDiscard={async (userId) => {
            await discardFailed(await runtime.offlineDb(), userId);
            await reload();
          }}
        />
      ) : null}
      <RequestSection query={query} onSend={sendRequest} />
      <InstallHint />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
