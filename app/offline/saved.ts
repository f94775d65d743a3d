// Saving an item for offline: its page, the page's data, its file and previews go into the saved cache, and a
// record with the URLs and the bytes into IndexedDB. All or nothing: a failed download leaves no partial copy.
import { thumbnailPreview, thumbnailUrl } from "./catalog-views";
import type { CacheLike } from "./cleanup";
import type { OfflineDb, SavedRecord } from "./db";
import { cacheKey, dataUrlFor, savedAssetLookup } from "./routing";
import type { CatalogItem } from "./types";

export type Progress = { loaded: number; total: number; files: number; filesDone: number };

export type SaveOptions = {
  fetch?: typeof fetch;
  cache: CacheLike;
  /** Page origin; cache keys are absolute URLs (what the service worker looks up). */
  origin: string;
  onProgress?: (p: Progress) => void;
  kit?: string;
  signal?: AbortSignal;
};

export class SaveError extends Error {}

/** Known up front from the catalog: the page, its data, the original file, every preview and the card thumbnail. */
export function urlsForItem(item: Pick<CatalogItem, "id" | "file" | "previews">): string[] {
  const page = `/items/${item.id}`;
  const asset = `/api/v1/items/${item.id}`;
  const thumb = thumbnailPreview(item.previews);
  return [
    page,
    dataUrlFor(page),
    ...(item.file ? [`${asset}/file`] : []),
    ...item.previews.map((n) => `${asset}/previews/${n}`),
    ...(thumb === null ? [] : [thumbnailUrl(item.id, thumb)]),
  ];
}

const PREVIEW_PATH = /^\/api\/v1\/items\/[^/]+\/previews\/(\d+)$/;

/** The previews a saved copy holds; records from before `previews` was kept are read from their URLs. */
export function savedPreviews(record: Pick<SavedRecord, "previews" | "urls">): number[] {
  if (record.previews) return record.previews;
  return record.urls.flatMap((url) => {
    const u = new URL(url, "http://device.invalid");
    const m = u.search ? null : PREVIEW_PATH.exec(u.pathname);
    return m ? [Number(m[1])] : [];
  });
}

/**
 * Preview and file URLs the item page actually references (e.g. with a width), found in its HTML. Not the
 * downloads (`?download=1`): the current version's is the saved file itself (the worker answers it from
 * that copy), and older versions are not what a seller saves; stored, each file crossed a phone's
 * connection twice and took twice its room on the device.
 */
export function assetUrlsInHtml(html: string, itemId: string): string[] {
  const prefix = `/api/v1/items/${itemId}/`;
  const found = new Set<string>();
  for (const m of html.matchAll(/\b(?:src|href|srcset|data-src)="([^"]+)"/g)) {
    for (const part of m[1].split(",")) {
      const url = part.trim().split(/\s+/)[0]?.replace(/&amp;/g, "&");
      if (url?.startsWith(prefix) && !savedAssetLookup(`http://device${url}`).download) found.add(url);
    }
  }
  return [...found];
}

async function download(fetchFn: typeof fetch, url: string, onBytes: (n: number, total: number | null) => void, signal?: AbortSignal) {
  // NOTE: "no-cache", never a copy on the device: the URLs carry no version, so the worker's saved copy (and
  // the HTTP cache) would hand a refresh the old version's file to store under the new version.
  const res = await fetchFn(url, {
    credentials: "same-origin",
    cache: "no-cache",
    signal,
    headers: url.endsWith(".data") ? {} : { Accept: "text/html,*/*" },
  });
  if (res.status === 404 || res.status === 403) throw new SaveError("This item is no longer available to you.");
  if (res.status === 401) throw new SaveError("Your session has ended. Sign in again, then save.");
  if (!res.ok || res.redirected) throw new SaveError(`Download failed (HTTP ${res.status}). Try again when the connection is better.`);
  const length = Number(res.headers.get("Content-Length")) || null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      onBytes(value.byteLength, length);
    }
  }
  const headers = new Headers(res.headers);
  // The stored body is already decoded; keep headers that still describe it.
  headers.delete("Content-Encoding");
  headers.set("Content-Length", String(size));
  headers.set("X-Fieldkit-Saved-At", new Date().toISOString());
  return {
    response: new Response(new Blob(chunks as BlobPart[]), { status: 200, headers }),
    size,
    text: () => new TextDecoder().decode(concat(chunks, size)),
  };
}

function concat(chunks: Uint8Array[], size: number) {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** What a failed save tells the seller. */
function asSaveError(error: unknown): unknown {
  if (error instanceof SaveError) return error;
  if ((error as Error).name === "QuotaExceededError")
    return new SaveError("Not enough storage on this device. Remove saved items and try again.");
  if ((error as Error).name === "AbortError") return new SaveError("Saving was cancelled.");
  if (error instanceof TypeError) return new SaveError("You appear to be offline. Save this item when you have a connection.");
  return error;
}

export async function saveItem(db: OfflineDb, item: CatalogItem, options: SaveOptions): Promise<SavedRecord> {
  const fetchFn = options.fetch ?? fetch.bind(globalThis);
  const queue = urlsForItem(item);
  // Expected bytes: the file's size is known from the catalog; pages and previews are counted as they arrive.
  const progress: Progress = { loaded: 0, total: item.file?.size ?? 0, files: queue.length, filesDone: 0 };
  const report = () => options.onProgress?.({ ...progress, total: Math.max(progress.total, progress.loaded) });
  report();
  // Everything is fetched before anything is written: the URLs carry no version, so a refresh writes over
  // the saved copy's own entries, and one cut off by lost signal half way (previews drawn after the save
  // make a copy stale, and its refresh runs on the next page load) deleted what it had written — the
  // saved file among them — while the record still said "Saved on this device".
  const fetched: { key: string; response: Response; size: number; kept?: boolean }[] = [];
  const previous = await db.get("saved", item.id);
  try {
    for (let i = 0; i < queue.length; i++) {
      const path = queue[i];
      const isFile = path.endsWith("/file");
      // The same version's file and previews do not change: a copy made stale only by previews drawn after
      // it was saved fetches those, not its file again (20 MB on bad signal, for nothing).
      const key = cacheKey(options.origin + path);
      const kept =
        previous?.versionId === item.versionId &&
        path.startsWith("/api/") &&
        previous.urls.includes(key) &&
        (await options.cache.match(key));
      if (kept) {
        const size = Number(kept.headers.get("Content-Length")) || 0;
        if (isFile) progress.loaded += size;
        fetched.push({ key, response: kept, size, kept: true });
        progress.filesDone++;
        report();
        continue;
      }
      let counted = false;
      const got = await download(
        fetchFn,
        options.origin + path,
        (n, total) => {
          if (!counted && total && !isFile) {
            progress.total += total;
            counted = true;
          }
          progress.loaded += n;
          report();
        },
        options.signal,
      );
      if (i === 0) {
        for (const extra of assetUrlsInHtml(got.text(), item.id)) {
          if (!queue.includes(extra)) {
            queue.push(extra);
            progress.files++;
          }
        }
      }
      fetched.push({ key, response: got.response, size: got.size });
      progress.filesDone++;
      report();
    }
  } catch (error) {
    throw asSaveError(error);
  }
  const had = new Set(previous?.urls ?? []);
  const stored: string[] = [];
  let bytes = 0;
  try {
    for (const f of fetched) {
      if (!f.kept) await options.cache.put(f.key, f.response);
      stored.push(f.key);
      bytes += f.size;
    }
  } catch (error) {
    // A write refused (storage full): only what this save added goes; what it replaced is the newer copy.
    for (const key of stored) if (!had.has(key)) await options.cache.delete(key);
    throw asSaveError(error);
  }
  const record: SavedRecord = {
    itemId: item.id,
    title: item.title,
    type: item.type,
    version: item.version,
    versionId: item.versionId,
    previews: [...item.previews],
    urls: stored,
    bytes,
    savedAt: new Date().toISOString(),
    stale: false,
    kit: options.kit ?? previous?.kit,
  };
  // A refresh may store fewer URLs than before (e.g. fewer pages): drop the leftovers.
  for (const old of previous?.urls ?? []) if (!stored.includes(old)) await options.cache.delete(old);
  await db.put("saved", record);
  return record;
}

/** Saves several items (a kit) one after the other, with one progress bar across all of them. */
export async function saveMany(
  db: OfflineDb,
  items: readonly CatalogItem[],
  options: SaveOptions,
): Promise<{ saved: SavedRecord[]; failed: { item: CatalogItem; message: string }[] }> {
  const saved: SavedRecord[] = [];
  const failed: { item: CatalogItem; message: string }[] = [];
  let before = 0;
  const expected = items.reduce((n, i) => n + (i.file?.size ?? 0), 0);
  for (const item of items) {
    try {
      const record = await saveItem(db, item, {
        ...options,
        onProgress: (p) =>
          options.onProgress?.({
            loaded: before + p.loaded,
            total: Math.max(expected, before + p.total),
            files: items.length,
            filesDone: saved.length + failed.length,
          }),
      });
      saved.push(record);
      before += record.bytes;
    } catch (error) {
      failed.push({ item, message: (error as Error).message });
    }
  }
  return { saved, failed };
}

export async function removeSaved(db: OfflineDb, cache: CacheLike, itemId: string): Promise<void> {
  const record = await db.get("saved", itemId);
  if (record) await dropRecord(db, cache, record);
}

async function dropRecord(db: OfflineDb, cache: CacheLike, record: SavedRecord): Promise<void> {
  for (const url of record.urls) await cache.delete(url);
  await db.delete("saved", record.itemId);
}

/**
 * Removes saved items at once and returns what puts them back as they were: their records and cached
 * responses, held in memory until the returned function runs or is dropped. Offline, a removal by mistake
 * could not be saved again until the next connection; holding the removal back instead would leave the item
 * on the device when the page is closed before the time is up.
 */
export async function removeSavedUndoably(db: OfflineDb, cache: CacheLike, itemIds: readonly string[]): Promise<() => Promise<void>> {
  const kept: { record: SavedRecord; responses: [string, Response][] }[] = [];
  for (const itemId of itemIds) {
    const record = await db.get("saved", itemId);
    if (!record) continue;
    const responses: [string, Response][] = [];
    for (const url of record.urls) {
      const response = await cache.match(url);
      if (response) responses.push([url, response]);
    }
    kept.push({ record, responses });
    await dropRecord(db, cache, record);
  }
  return async () => {
    for (const { record, responses } of kept) {
      for (const [url, response] of responses) await cache.put(url, response);
      await db.put("saved", record);
    }
  };
}

/** Re-downloads saved items marked stale (a newer version was published). */
export async function refreshStale(db: OfflineDb, options: Omit<SaveOptions, "onProgress" | "kit">): Promise<string[]> {
  const refreshed: string[] = [];
  for (const record of await db.getAll("saved")) {
    if (!record.stale) continue;
    const item = await db.get("catalog", record.itemId);
    if (!item) continue;
    try {
      await saveItem(db, item, options);
      refreshed.push(item.id);
    } catch {
      // Stays marked "updated"; the next connection tries again.
    }
  }
  return refreshed;
}
