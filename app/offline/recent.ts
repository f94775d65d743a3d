// "Recently opened" on this device: the items a seller opened here, newest first, kept in the offline
// store's meta so Home lists them in airplane mode and the moment they were opened (the server's list
// comes from the usage rollups, a day at a time, once the view has been delivered).
import { isExpired } from "./catalog-views";
import type { OfflineDb } from "./db";

export const RECENT_KEY = "recent.opened";
/** Kept on the device; Home shows fewer. */
export const RECENT_KEPT = 20;

export type RecentOpen = { itemId: string; at: string; userId: string };

/** `list` with these opens added: one entry per item (its latest open), newest first, at most `RECENT_KEPT`. */
export function withOpens(list: readonly RecentOpen[], opens: readonly RecentOpen[]): RecentOpen[] {
  const latest = new Map<string, RecentOpen>();
  for (const o of [...list, ...opens]) {
    const known = latest.get(`${o.userId}|${o.itemId}`);
    if (!known || known.at < o.at) latest.set(`${o.userId}|${o.itemId}`, o);
  }
  return [...latest.values()].sort((a, b) => b.at.localeCompare(a.at) || a.itemId.localeCompare(b.itemId)).slice(0, RECENT_KEPT);
}

const read = async (db: OfflineDb): Promise<RecentOpen[]> => {
  const stored = await db.get("meta", RECENT_KEY);
  return Array.isArray(stored) ? (stored as RecentOpen[]) : [];
};

/** Remembers item views (outbox entries as staged: `body.type === "view"`). */
export async function rememberOpens(db: OfflineDb, opens: readonly RecentOpen[]): Promise<void> {
  if (opens.length === 0) return;
  await db.put("meta", withOpens(await read(db), opens), RECENT_KEY);
}

/** This user's recently opened item ids, newest first; an item past its expiry date is left out. */
export async function recentOpens(db: OfflineDb, userId: string, now = Date.now()): Promise<string[]> {
  const ids = (await read(db)).filter((o) => o.userId === userId).map((o) => o.itemId);
  const entries = await Promise.all(ids.map((id) => db.get("catalog", id)));
  return ids.filter((_, i) => !(entries[i] && isExpired(entries[i], now)));
}

/**
 * Home's "Recently opened": what this device opened (newest first), then the server's list (by day) for
 * what was opened elsewhere or before this device kept a list; each item once, at most `limit`.
 */
export function mergeRecent<T extends { id: string }>(device: readonly T[], server: readonly T[], limit: number): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of [...device, ...server]) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    out.push(item);
    if (out.length === limit) break;
  }
  return out;
}
