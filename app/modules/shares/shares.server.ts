// Buyer shares from the seller's side: create (idempotent by a client id, so the offline outbox can
// re-send), list, read with engagement, extend and revoke. Only the owner may touch a share; every
// change is audited in the same transaction.
import { randomBytes } from "node:crypto";
import { and, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { items, shareItems, shares } from "@/db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError, notFound } from "~/modules/errors.server";
import { EventRateLimiter } from "~/modules/usage/rate-limit.server";
import { ingestEvents } from "~/modules/usage/ingest.server";
import { visibleItemsWhere } from "~/modules/library/audience.server";
import { engagementFor, summariesFor, type ShareEngagement, type ShareSummary } from "./engagement.server";
import { isUuid } from "@/vocabulary/ids";
import { uuidSchema } from "~/modules/validation.server";
import { MAX_SHARE_ITEMS } from "@/vocabulary/shares";

export { MAX_SHARE_ITEMS };
export const DEFAULT_EXPIRY_DAYS = 30;
export const MAX_EXPIRY_DAYS = 365;
const DAY_MS = 86_400_000;
/** 32 random bytes in base64url: 256 bits, well above the 128 a guess would have to beat. */
export const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
export const newShareToken = () => randomBytes(32).toString("base64url");

const uuid = uuidSchema().transform((s) => s.toLowerCase());
const optionalText = (max: number, message: string) =>
  z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(max, message).optional().nullable(),
  );

export const ShareInput = z.object({
  /** Client-chosen id: a re-sent create answers the stored share. */
  id: uuid.optional(),
  /** Made on the device when offline, so the link can be copied before the server knows it. */
  token: z.string().regex(TOKEN_RE, "token must be 43 base64url characters (32 random bytes)").optional(),
  itemIds: z
    .array(uuid, { message: "Choose at least one item to share." })
    .min(1, "Choose at least one item to share.")
    .max(MAX_SHARE_ITEMS, `A share holds at most ${MAX_SHARE_ITEMS} items.`),
  recipientName: optionalText(200, "The recipient's name is limited to 200 characters."),
  recipientEmail: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim().toLowerCase() : v),
    z.email("Enter a valid email address, or leave it empty.").max(254).optional().nullable(),
  ),
  note: optionalText(2_000, "The note is limited to 2,000 characters."),
  expiresAt: z.iso.datetime({ offset: true, message: "expiresAt must be an ISO 8601 time" }).optional(),
  allowDownload: z.boolean().optional().default(false),
  requireEmail: z.boolean().optional().default(false),
});
export type ShareInput = z.input<typeof ShareInput>;

export const ExtendInput = z.object({
  expiresAt: z.iso.datetime({ offset: true, message: "expiresAt must be an ISO 8601 time" }),
});

export type ShareStatus = "active" | "expired" | "revoked";
export const shareStatus = (s: { revokedAt: Date | null; expiresAt: Date }, now = new Date()): ShareStatus =>
  s.revokedAt ? "revoked" : s.expiresAt <= now ? "expired" : "active";

export const shareUrl = (token: string) => `/s/${token}`;

function expiryFrom(value: string | undefined, now: Date): Date {
  const at = value ? new Date(value) : new Date(now.getTime() + DEFAULT_EXPIRY_DAYS * DAY_MS);
  if (at.getTime() <= now.getTime()) throw new AppError("unprocessable", "The expiry must be in the future.");
  if (at.getTime() > now.getTime() + MAX_EXPIRY_DAYS * DAY_MS) {
    throw new AppError("unprocessable", `A share can last at most ${MAX_EXPIRY_DAYS} days.`);
  }
  return at;
}

/** Published, in date, not internal-only, and visible to this seller now. */
export function shareableWhere(user: SessionUser, now = new Date()) {
  return and(
    visibleItemsWhere(user, now),
    eq(items.status, "published"),
    or(isNull(items.expiresAt), gt(items.expiresAt, now)),
    eq(items.notForBuyers, false),
  )!;
}

/** Why each requested item may not be shared; throws the first reason a seller can act on. */
export async function requireShareable(db: Db, user: SessionUser, itemIds: string[], now: Date) {
  const ok = await db
    .select({ id: items.id })
    .from(items)
    .where(and(inArray(items.id, itemIds), shareableWhere(user, now)));
  const okIds = new Set(ok.map((r) => r.id));
  const refused = itemIds.filter((id) => !okIds.has(id));
  if (refused.length === 0) return;
  // Internal-only is worth naming (the seller can see the item); anything they cannot see stays a 404.
  const internal = await db
    .select({ id: items.id, title: items.title })
    .from(items)
    .where(and(inArray(items.id, refused), visibleItemsWhere(user, now), eq(items.notForBuyers, true)));
  if (internal.length) {
    throw new AppError("forbidden", `"${internal[0].title}" is for internal use only and cannot be shared with buyers.`, {
      itemIds: internal.map((i) => i.id),
    });
  }
  throw new AppError("not_found", "An item in this share doesn't exist, isn't published, or isn't shared with your team.", {
    itemIds: refused,
  });
}

const limiters = new WeakMap<object, EventRateLimiter>();
/** Creating shares: a burst of 30, then one every two minutes per seller. */
export function shareCreateLimiter(app: AppContext): EventRateLimiter {
  let limiter = limiters.get(app.services);
  if (!limiter) {
    limiter = new EventRateLimiter({ capacity: 30, refillPerSecond: 1 / 120 });
    limiters.set(app.services, limiter);
  }
  return limiter;
}

export type ShareRow = typeof shares.$inferSelect;

export async function createShare(
  app: AppContext,
  { user, input: raw, now = new Date() }: { user: SessionUser; input: unknown; now?: Date },
): Promise<{ share: ShareRow; created: boolean }> {
  const input = ShareInput.parse(raw);
  if (input.id) {
    const [existing] = await app.db.select().from(shares).where(eq(shares.id, input.id));
    if (existing) {
      if (existing.userId !== user.id) throw new AppError("conflict", "That share id is already taken; send a new UUID.");
      return { share: existing, created: false };
    }
  }
  const taken = shareCreateLimiter(app).take(user.id, 1, now.getTime());
  if (!taken.ok) {
    throw new AppError("rate_limited", `You have created many shares in a short time; try again in ${taken.retryAfterS} s.`, {
      retryAfterS: taken.retryAfterS,
    });
  }
  const itemIds = [...new Set(input.itemIds)];
  const expiresAt = expiryFrom(input.expiresAt, now);
  await requireShareable(app.db, user, itemIds, now);
  const share = await app.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(shares)
      .values({
        ...(input.id ? { id: input.id } : {}),
        token: input.token ?? newShareToken(),
        userId: user.id,
        teamId: user.teamId,
        recipientName: input.recipientName ?? null,
        recipientEmail: input.recipientEmail ?? null,
        note: input.note ?? null,
        allowDownload: input.allowDownload,
        requireEmail: input.requireEmail,
        expiresAt,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return null;
    await tx.insert(shareItems).values(itemIds.map((itemId, i) => ({ shareId: row.id, position: i + 1, itemId })));
    await recordAudit(tx, {
      actor: user,
      action: "share.created",
      targetType: "share",
      targetId: row.id,
      details: { itemIds, recipientEmail: row.recipientEmail, expiresAt: expiresAt.toISOString(), allowDownload: row.allowDownload },
    });
    return row;
  });
  if (share) {
    await countAsSellerShare(app, user, share.id, itemIds, now);
    return { share, created: true };
  }
  // Lost a race with a re-send of the same id, or a device token that collides (never by chance).
  if (input.id) {
    const [existing] = await app.db.select().from(shares).where(eq(shares.id, input.id));
    if (existing?.userId === user.id) return { share: existing, created: false };
  }
  throw new AppError("conflict", "That share id or token is already taken; make a new one.");
}

/**
 * A buyer share is also a seller's "share" in usage insights (the counter the old copy-link button fed).
 * Event ids derive from the share id, so a retried create can never count twice; usage is secondary to
 * the link, so a failure here is logged, not thrown.
 */
export async function countAsSellerShare(app: AppContext, user: SessionUser, shareId: string, itemIds: string[], now: Date, after = 0) {
  const rows = itemIds.map((itemId, i) => ({
    id: `${shareId.slice(0, 24)}${(after + i + 1).toString(16).padStart(12, "0")}`,
    type: "share",
    itemId,
    at: now.toISOString(),
    props: { channel: "buyer_link" },
  }));
  try {
    await ingestEvents(app.db, { user, rows, now });
  } catch (error) {
    console.error("Counting a buyer share as usage failed", error);
  }
}

export async function ownShare(db: Db, user: SessionUser, id: string): Promise<ShareRow> {
  if (!isUuid(id)) throw notFound("No such share.");
  const [row] = await db
    .select()
    .from(shares)
    .where(and(eq(shares.id, id.toLowerCase()), eq(shares.userId, user.id)));
  if (!row) throw notFound("No such share.");
  return row;
}

export async function extendShare(
  db: Db,
  { user, id, input, now = new Date() }: { user: SessionUser; id: string; input: unknown; now?: Date },
) {
  const { expiresAt: value } = ExtendInput.parse(input);
  const share = await ownShare(db, user, id);
  if (share.revokedAt) throw new AppError("conflict", "This share was revoked; create a new one instead.");
  const expiresAt = expiryFrom(value, now);
  await db.transaction(async (tx) => {
    await tx.update(shares).set({ expiresAt, updatedAt: now }).where(eq(shares.id, share.id));
    await recordAudit(tx, {
      actor: user,
      action: "share.extended",
      targetType: "share",
      targetId: share.id,
      details: { from: share.expiresAt.toISOString(), to: expiresAt.toISOString() },
    });
  });
  return { ...share, expiresAt };
}

/** Revoking twice is fine (the second does nothing), so a retried request never errors. */
export async function revokeShare(db: Db, { user, id, now = new Date() }: { user: SessionUser; id: string; now?: Date }) {
  const share = await ownShare(db, user, id);
  if (share.revokedAt) return share;
  await db.transaction(async (tx) => {
    await tx.update(shares).set({ revokedAt: now, updatedAt: now }).where(eq(shares.id, share.id));
    await recordAudit(tx, { actor: user, action: "share.revoked", targetType: "share", targetId: share.id, details: {} });
  });
  return { ...share, revokedAt: now };
}

/**
 * How long after revoking a link its seller may take that back: long enough for a slip of the thumb, short
 * enough that a link revoked because it went to the wrong person is not reopened from a page left open.
 */
export const UNDO_REVOKE_MINUTES = 10;

export const canUndoRevoke = (share: { revokedAt: Date | null }, now = new Date()) =>
  share.revokedAt !== null && now.getTime() - share.revokedAt.getTime() <= UNDO_REVOKE_MINUTES * 60_000;

/** Undoes a revoke of the last few minutes; reopening an open link is fine (a retried request never errors). */
export async function restoreShare(db: Db, { user, id, now = new Date() }: { user: SessionUser; id: string; now?: Date }) {
  const share = await ownShare(db, user, id);
  if (!share.revokedAt) return share;
  if (!canUndoRevoke(share, now))
    throw new AppError(
      "conflict",
      `This link was revoked more than ${UNDO_REVOKE_MINUTES} minutes ago and stays closed. Create a new share instead.`,
    );
  await db.transaction(async (tx) => {
    await tx.update(shares).set({ revokedAt: null, updatedAt: now }).where(eq(shares.id, share.id));
    await recordAudit(tx, {
      actor: user,
      action: "share.restored",
      targetType: "share",
      targetId: share.id,
      details: { revokedAt: share.revokedAt!.toISOString() },
    });
  });
  return { ...share, revokedAt: null };
}

export type ShareView = {
  id: string;
  url: string;
  status: ShareStatus;
  recipientName: string | null;
  recipientEmail: string | null;
  note: string | null;
  allowDownload: boolean;
  requireEmail: boolean;
  expiresAt: Date;
  revokedAt: Date | null;
  createdAt: Date;
  firstOpenedAt: Date | null;
  /** Opened since the seller last looked at their shares: the in-app notice. */
  newlyOpened: boolean;
  /** On the link now, in the buyer's order; `available`: the buyer's page shows it (see shareableWhere). */
  items: { position: number; id: string; title: string; type: string; available: boolean }[];
  /** Taken off the link by the seller, kept for what the buyer read of them. */
  removedItems: { position: number; id: string; title: string; type: string; removedAt: Date }[];
  summary: ShareSummary;
};

/** Rows as the seller sees them: their items in order, status and engagement summary. */
export async function toViews(db: Db, seller: SessionUser, rows: ShareRow[], now: Date): Promise<ShareView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [itemRows, summaries] = await Promise.all([
    db
      .select({
        shareId: shareItems.shareId,
        position: shareItems.position,
        id: items.id,
        title: items.title,
        type: items.type,
        removedAt: shareItems.removedAt,
        // The buyer's page applies the same rule on every load.
        available: sql<boolean>`(${shareableWhere(seller, now)})`,
      })
      .from(shareItems)
      .innerJoin(items, eq(items.id, shareItems.itemId))
      .where(inArray(shareItems.shareId, ids))
      .orderBy(shareItems.shareId, shareItems.position),
    summariesFor(db, ids),
  ]);
  return rows.map((r) => ({
    id: r.id,
    url: shareUrl(r.token),
    status: shareStatus(r, now),
    recipientName: r.recipientName,
    recipientEmail: r.recipientEmail,
    note: r.note,
    allowDownload: r.allowDownload,
    requireEmail: r.requireEmail,
    expiresAt: r.expiresAt,
    revokedAt: r.revokedAt,
    createdAt: r.createdAt,
    firstOpenedAt: r.firstOpenedAt,
    newlyOpened: !!r.firstOpenedAt && (!r.seenAt || r.seenAt < r.firstOpenedAt),
    items: itemRows.filter((i) => i.shareId === r.id && !i.removedAt).map(({ shareId: _, removedAt: __, ...i }) => i),
    removedItems: itemRows.flatMap(({ shareId, removedAt, available: _, ...i }) =>
      shareId === r.id && removedAt ? [{ ...i, removedAt }] : [],
    ),
    summary: summaries.get(r.id)!,
  }));
}

export async function getShare(
  db: Db,
  { user, id, now = new Date() }: { user: SessionUser; id: string; now?: Date },
): Promise<ShareView & { engagement: ShareEngagement }> {
  const row = await ownShare(db, user, id);
  const [view] = await toViews(db, user, [row], now);
  return { ...view, engagement: await engagementFor(db, row.id) };
}

/** The API's share shape: dates as ISO strings, the absolute link. */
export function shareJson(view: ShareView & { engagement?: ShareEngagement }, origin: string) {
  return { ...view, url: new URL(view.url, origin).toString(), path: view.url };
}
