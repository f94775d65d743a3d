// The device's offline store (IndexedDB via idb), shared by the pages and the service worker.
// NOTE: bump DB_VERSION and extend `upgrade` for any schema change; never change a released step.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";
import type { CatalogItem } from "./types";

export const DB_NAME = "fieldkit-offline";
export const DB_VERSION = 1;

export type OutboxKind = "event" | "rating" | "request" | "share";

export type EventBody = { id: string; type: "view" | "dwell" | "share"; itemId?: string; at: string; props?: Record<string, unknown> };
export type RatingBody = { useful: boolean; reasons?: string[]; comment?: string; versionId?: string; at: string };
export type RequestBody = { id: string; text: string; query?: string };
/** A buyer share made offline: id and token come from the device, so the link can be copied at once. */
export type ShareBody = {
  id: string;
  token: string;
  itemIds: string[];
  recipientName?: string;
  recipientEmail?: string;
  note?: string;
  expiresAt: string;
  allowDownload: boolean;
  requireEmail: boolean;
};

export type OutboxEntry = {
  /** Insertion order, assigned by the store. */
  seq?: number;
  /** Client UUID: the server dedupes by it, so a re-send after a lost acknowledgement is harmless. */
  id: string;
  /** Whose session queued it: flushed only under that user's session. */
  userId: string;
  kind: OutboxKind;
  itemId?: string;
  /** When the seller acted (ISO). */
  at: string;
  body: EventBody | RatingBody | RequestBody | ShareBody;
  attempts: number;
  /** Epoch ms before which a retry is not attempted. */
  nextAttemptAt: number;
  lastError?: string;
  /** Refused by the server for good (e.g. the item is gone): kept so the seller can see it, never re-sent. */
  failed?: boolean;
};

export type SavedRecord = {
  itemId: string;
  title: string;
  type: string;
  version: number | null;
  versionId: string | null;
  /** The catalog's preview numbers when saved; missing on records saved before it was kept. */
  previews?: number[];
  /** Every URL stored in the saved cache for this item. */
  urls: string[];
  bytes: number;
  savedAt: string;
  /** A newer version was published since this copy was saved; refreshed on the next connection. */
  stale: boolean;
  /** Set when saved as part of a kit (e.g. "Healthcare"). */
  kit?: string;
};

export interface OfflineSchema extends DBSchema {
  catalog: { key: string; value: CatalogItem };
  outbox: { key: number; value: OutboxEntry; indexes: { byId: string } };
  saved: { key: string; value: SavedRecord };
  meta: { key: string; value: unknown };
}

export type OfflineDb = IDBPDatabase<OfflineSchema>;

/** `onClose`: this connection stepped aside for a newer version; the holder opens another when it needs one. */
export function openOfflineDb(name = DB_NAME, { onClose }: { onClose?: () => void } = {}): Promise<OfflineDb> {
  const opened: Promise<OfflineDb> = openDB<OfflineSchema>(name, DB_VERSION, {
    // A newer version wants to upgrade (a new build in another tab, or its worker): this connection
    // steps aside, or the upgrade, and every saved file the new worker answers, would wait for it forever.
    blocking() {
      onClose?.();
      void opened.then((db) => db.close());
    },
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore("catalog", { keyPath: "id" });
        const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
        // Unique: enqueueing the same client id twice is a no-op (duplicate suppression).
        outbox.createIndex("byId", "id", { unique: true });
        db.createObjectStore("saved", { keyPath: "itemId" });
        db.createObjectStore("meta");
      }
    },
  });
  return opened;
}

export const META = {
  cursor: "sync.cursor",
  lastSyncAt: "sync.lastAt",
  /** When the server answered the last sync that completed, by its clock (its `Date` header): see offline/home.ts. */
  syncedAt: "sync.serverAt",
  userId: "user.id",
} as const;
