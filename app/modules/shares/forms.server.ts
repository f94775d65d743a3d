// The seller's share forms (new share, extend, revoke) as plain form posts, so they work before
// JavaScript loads; the same domain calls as the API.
import { randomUUID } from "node:crypto";
import { and, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { visibleItemsWhere } from "~/modules/library/audience.server";
import { pickItems } from "~/modules/search/search.server";
import { createShare, extendShare, restoreShare, revokeShare, shareableWhere, MAX_SHARE_ITEMS } from "./shares.server";
import { addShareItems, removeShareItem } from "./share-items.server";
import { isUuid } from "@/vocabulary/ids";
import { formatDate } from "@/vocabulary/dates";

const DAY_MS = 86_400_000;

/** The items a seller picked (?item=…), each with whether it may go to a buyer and why not. */
export async function shareCandidates(db: Db, user: SessionUser, ids: string[]) {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))].slice(0, MAX_SHARE_ITEMS);
  if (wanted.length === 0) return [];
  const [visible, shareable] = await Promise.all([
    db
      .select({ id: items.id, title: items.title, type: items.type, notForBuyers: items.notForBuyers })
      .from(items)
      .where(and(inArray(items.id, wanted), visibleItemsWhere(user))),
    db
      .select({ id: items.id })
      .from(items)
      .where(and(inArray(items.id, wanted), shareableWhere(user))),
  ]);
  const ok = new Set(shareable.map((r) => r.id));
  return wanted
    .map((id) => visible.find((v) => v.id === id))
    .filter((v) => !!v)
    .map((v) => ({
      id: v.id,
      title: v.title,
      type: v.type,
      shareable: ok.has(v.id),
      reason: ok.has(v.id) ? null : v.notForBuyers ? "Internal only: not for buyers." : "Not published, or expired.",
    }));
}

/** How many items "Add an item" offers at once: a phone screen's worth above the recipient's fields. */
const ADDITIONS_SHOWN = 6;

/**
 * Items to add to a share being made: what a search for `q` finds that the seller may send and has not
 * chosen yet, the best first. A query that is too long, or no query, finds nothing rather than failing
 * the form around it.
 */
export async function shareAdditions(app: AppContext, user: SessionUser, { q, chosen }: { q: string; chosen: string[] }) {
  if (q.trim() === "") return { q, hits: [], error: null };
  try {
    const found = await pickItems(app, user, q, 30);
    const ok = await shareableIds(
      app.db,
      user,
      found.map((h) => h.id),
    );
    const taken = new Set(chosen.map((id) => id.toLowerCase()));
    return { q, hits: found.filter((h) => ok.has(h.id) && !taken.has(h.id)).slice(0, ADDITIONS_SHOWN), error: null };
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return { q, hits: [], error: error.message };
    throw error;
  }
}
/** Which of these items the seller may send to a buyer now (for the "Select" mode in Search). */
export async function shareableIds(db: Db, user: SessionUser, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: items.id })
    .from(items)
    .where(and(inArray(items.id, ids), shareableWhere(user)));
  return new Set(rows.map((r) => r.id));
}

/** A fresh id per form render: a double-tapped "Create link" makes one share, not two. */
export const newFormId = () => randomUUID();

export async function createShareFromForm(app: AppContext, user: SessionUser, form: FormData, now = new Date()) {
  const days = Number(form.get("days") ?? 30);
  if (!Number.isInteger(days) || days < 1 || days > 365)
    throw new AppError("unprocessable", "Choose how many days the link stays open (1–365).");
  return createShare(app, {
    user,
    now,
    input: {
      id: String(form.get("id") ?? "") || undefined,
      itemIds: form.getAll("itemIds").map(String),
      recipientName: String(form.get("recipientName") ?? ""),
      recipientEmail: String(form.get("recipientEmail") ?? ""),
      note: String(form.get("note") ?? ""),
      expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString(),
      allowDownload: form.get("allowDownload") === "on",
      requireEmail: form.get("requireEmail") === "on",
    },
  });
}

/**
 * From a share's page: `intent=extend` (days from today), `intent=revoke` or `intent=restore` (its undo),
 * `intent=add` (items, or one taken off put back) and `intent=remove` (the item at `position`). Returns
 * what to tell the seller, and the item taken off, for its undo.
 */
export async function manageShareFromForm(
  app: AppContext,
  user: SessionUser,
  id: string,
  form: FormData,
  now = new Date(),
): Promise<{ notice: string; removed?: string }> {
  const db = app.db;
  const intent = form.get("intent");
  if (intent === "add") {
    const { added, restored } = await addShareItems(app, { user, id, itemIds: form.getAll("item").map(String), now });
    if (added.length === 0 && restored.length === 0) return { notice: "That item is on the link already." };
    if (added.length === 0) return { notice: "Back on the link: the buyer sees it again on their next visit." };
    const n = added.length + restored.length;
    return { notice: `Added to the link: the buyer sees ${n === 1 ? "it" : `these ${n}`} on their next visit.` };
  }
  if (intent === "remove") {
    const position = Number(form.get("position"));
    if (!Number.isInteger(position) || position < 1) throw new AppError("bad_request", "Choose an item to take off the link.");
    const item = await removeShareItem(db, { user, id, position, now });
    return { notice: `“${item.title}” is off the link: the buyer no longer sees it.`, removed: item.id };
  }
  if (intent === "revoke") {
    await revokeShare(db, { user, id, now });
    return { notice: "Link revoked. The buyer now sees that it is no longer available." };
  }
  if (intent === "restore") {
    await restoreShare(db, { user, id, now });
    return { notice: "Revoke undone. The buyer can open the link again." };
  }
  if (intent === "extend") {
    const days = Number(form.get("days") ?? 30);
    if (!Number.isInteger(days) || days < 1 || days > 365) throw new AppError("unprocessable", "Choose 1 to 365 days.");
    const share = await extendShare(db, { user, id, now, input: { expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString() } });
    return { notice: `Link open until ${formatDate(share.expiresAt)}.` };
  }
  throw new AppError("bad_request", "Unknown action.");
}
