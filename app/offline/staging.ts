// A synchronous first step for actions recorded while the page may be about to go away (a seller
// opening an item and leaving at once). IndexedDB writes are asynchronous and die with the page;
// localStorage writes are done when the call returns. Staged entries move into the outbox as soon as
// it is open, and at every start, so nothing recorded is lost. Moving is idempotent: the outbox
// suppresses an id it already holds, and the server dedupes by id.
import type { EventBody, OfflineDb } from "./db";
import { enqueue } from "./outbox";
import { rememberOpens } from "./recent";

type Staged = Parameters<typeof enqueue>[1];
export const STAGED_KEY = "fieldkit:staged-outbox";
/** A runaway loop must not fill localStorage (5 MB): the oldest staged entries go first. */
export const MAX_STAGED = 500;

type KeyValueStore = Pick<Storage, "getItem" | "setItem">;

function read(store: KeyValueStore): Staged[] {
  try {
    const parsed = JSON.parse(store.getItem(STAGED_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

export function stageEntry(entry: Staged, store: KeyValueStore = localStorage): void {
  try {
    store.setItem(STAGED_KEY, JSON.stringify([...read(store), entry].slice(-MAX_STAGED)));
  } catch {
    // Storage full or disabled (private mode): the asynchronous path still records it.
  }
}

/** Moves this user's staged entries into the outbox; returns how many were moved. */
export async function commitStaged(db: OfflineDb, userId: string, store: KeyValueStore = localStorage): Promise<number> {
  const mine = read(store).filter((e) => e.userId === userId);
  for (const entry of mine) await enqueue(db, entry);
  // Views also feed Home's "Recently opened" on this device.
  const views = mine.filter((e) => e.kind === "event" && (e.body as EventBody).type === "view" && e.itemId);
  await rememberOpens(
    db,
    views.map((e) => ({ itemId: e.itemId!, at: e.at, userId: e.userId })),
  );
  if (mine.length) {
    const moved = new Set(mine.map((e) => e.id));
    // Re-read: another tab may have staged more while we were writing.
    store.setItem(STAGED_KEY, JSON.stringify(read(store).filter((e) => !moved.has(e.id))));
  }
  return mine.length;
}
