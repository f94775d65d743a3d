// The audit trail: recorded inside the same transaction as the change it describes, read by admins.
import { and, desc, eq, gte, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Db } from "@/db/client";
import { auditLog, items, users } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { forbidden } from "~/modules/errors.server";
import { urlBefore } from "~/modules/validation.server";
import { STATUS_LABEL } from "@/vocabulary/library";
import { storableDate } from "@/vocabulary/dates";

type AnyDb = PgDatabase<PgQueryResultHKT, any>;

export type AuditEntry = {
  actor: Pick<SessionUser, "id"> | null;
  action: string;
  targetType: "user" | "team" | "token" | "item" | "tag" | "share";
  targetId?: string | null;
  details?: Record<string, unknown>;
};

/**
 * What the library records, one action per workflow verb so the log can be filtered by it. Details
 * always carry the item's title at the time, so the CSV reads on its own after a rename.
 * - status moves: `{title, from, to, version, comment?, publishAt?}`
 * - `item.audience_changed`: `{title, from, to}` as `[{id, name}]` lists (empty = everyone)
 * - `item.expiry_changed`: `{title, from, to}` as ISO timestamps or null
 * - `item.owner_changed`: `{title, from, to}` as `{id, name}` (from may be null)
 * - `item.verified`: `{title}`
 * - `item.version_added`: `{title, version, filename?, changelog}`
 * System moves (scheduled publishing, expiry) have no actor.
 */
export const ITEM_ACTIONS = {
  "item.created": "Created",
  "item.submitted": "Submitted for review",
  "item.published": "Published",
  "item.scheduled": "Approved for a scheduled publish",
  "item.rejected": "Rejected",
  "item.withdrawn": "Withdrawn from review",
  "item.unpublished": "Unpublished to draft",
  "item.archived": "Archived",
  "item.restored": "Restored as draft",
  "item.expired": "Expired (archived)",
  "item.audience_changed": "Audience changed",
  "item.expiry_changed": "Expiry date changed",
  "item.owner_changed": "Owner changed",
  "item.verified": "Marked re-verified",
  "item.version_added": "New version",
  "item.buyers_changed": "Buyer sharing changed",
} as const;
export type ItemAction = keyof typeof ITEM_ACTIONS;

export const OTHER_ACTIONS = [
  "user.created",
  "user.role_changed",
  "user.team_changed",
  "user.deactivated",
  "user.reactivated",
  "team.created",
  "team.lead_added",
  "token.created",
  "token.revoked",
  "share.created",
  "share.extended",
  "share.revoked",
  "share.restored",
  "invitation.created",
  "invitation.resent",
  "invitation.withdrawn",
  "invitation.restored",
  "invitation.accepted",
  "user.password_reset_requested",
  "user.password_reset",
  "user.password_changed",
  "sso.signed_in",
  "sso.linked",
  "sso.refused",
  "push.subscribed",
  "push.unsubscribed",
  "tag.created",
  "tag.renamed",
  "tag.merged",
  "tag.deleted",
] as const;

export async function recordAudit(db: AnyDb, entry: AuditEntry): Promise<void> {
  await recordAudits(db, [entry]);
}

/** Several entries in one statement (a sweep that moves many items at once). */
export async function recordAudits(db: AnyDb, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insert(auditLog).values(
    entries.map((entry) => ({
      actorId: entry.actor?.id ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      details: entry.details ?? {},
    })),
  );
}

const optionalText = (max: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().max(max).optional()).catch(undefined);

export const AuditQuery = z.object({
  from: z.iso.date().refine(storableDate).optional().catch(undefined),
  to: z.iso.date().refine(storableDate).optional().catch(undefined),
  action: optionalText(60),
  /** What kind of thing changed: item, user, team, token. */
  kind: z.enum(["item", "user", "team", "token", "tag", "share"]).optional().catch(undefined),
  /** An actor's email, or "system" for scheduled publishing and expiry. */
  actor: optionalText(254),
  /** One target's id, e.g. an item's: its whole history. */
  target: optionalText(80),
  /** The last id of the page before: the page then goes on from there (the CSV ignores it). */
  before: urlBefore,
});
export type AuditQuery = z.infer<typeof AuditQuery>;

const names = (v: unknown) => {
  const list = Array.isArray(v) ? (v as { name?: string }[]).map((t) => t?.name ?? "?") : [];
  return list.length ? list.join(", ") : "Everyone";
};
const day = (v: unknown) => (typeof v === "string" ? v.slice(0, 10) : "none");
const STATUS = (status: unknown) => (STATUS_LABEL[String(status)] ?? String(status)).toLowerCase();

/** One line an admin can read, from an entry's action and details. */
export function describeAudit(action: string, details: Record<string, unknown>): string {
  const d = details as Record<string, any>;
  const comment = d.comment ? ` — “${d.comment}”` : "";
  const version = typeof d.version === "number" ? ` (v${d.version})` : "";
  switch (action) {
    case "item.created":
      return `Created as a draft${version}${d.audience ? `; audience: ${names(d.audience)}` : ""}`;
    case "item.audience_changed":
      return `Audience: ${names(d.from)} → ${names(d.to)}`;
    case "item.expiry_changed":
      return `Expiry: ${day(d.from)} → ${day(d.to)}`;
    case "item.owner_changed":
      return `Owner: ${d.from?.name ?? "nobody"} → ${d.to?.name ?? "?"}`;
    case "item.verified":
      return "Content checked and marked re-verified";
    case "item.version_added":
      return `Version ${d.version}${d.filename ? ` (${d.filename})` : ""}: ${d.changelog ?? ""}`.trim();
    case "share.created":
      return `Shared ${Array.isArray(d.itemIds) ? d.itemIds.length : 0} item(s)${d.recipientEmail ? ` with ${d.recipientEmail}` : ""} until ${day(d.expiresAt)}${d.allowDownload ? ", downloads allowed" : ""}`;
    case "share.extended":
      return `Share expiry: ${day(d.from)} → ${day(d.to)}`;
    case "share.restored":
      return `Revoke undone: the link revoked at ${String(d.revokedAt ?? "")
        .replace("T", " ")
        .slice(0, 16)} UTC is open again`;
    case "invitation.restored":
      return `Withdrawal undone: the invitation to ${d.email} is pending again, its link working`;
    case "tag.created":
      return `Tag “${d.label}” (${d.facet}:${d.value}) added`;
    case "tag.renamed":
      return `Tag ${d.facet}:${d.value} renamed “${d.from}” → “${d.to}”`;
    case "tag.merged":
      return `Tag “${d.from?.label}” (${d.facet}:${d.from?.value}) merged into “${d.into?.label}” (${d.facet}:${d.into?.value}); ${d.items} item(s) moved`;
    case "tag.deleted":
      return `Unused tag “${d.label}” (${d.facet}:${d.value}) deleted`;
    case "item.buyers_changed":
      return d.notForBuyers ? "Marked internal only (not for buyers)" : "Allowed to be shared with buyers";
    case "item.scheduled":
      return `${STATUS(d.from)} → publishes ${String(d.publishAt ?? "")
        .replace("T", " ")
        .slice(0, 16)} UTC${version}${comment}`;
    default:
      if (action.startsWith("item.") && d.to) return `${STATUS(d.from ?? "new")} → ${STATUS(d.to)}${version}${comment}`;
      if ("from" in d || "to" in d) return `${JSON.stringify(d.from ?? null)} → ${JSON.stringify(d.to ?? null)}`;
      return Object.keys(d).length ? JSON.stringify(d) : "";
  }
}

export const AUDIT_COLUMNS = [
  { key: "at", label: "When" },
  { key: "actor", label: "Who" },
  { key: "action", label: "Action" },
  { key: "targetType", label: "Target type" },
  { key: "targetId", label: "Target" },
  { key: "details", label: "Details" },
] as const;
// NOTE: the CSV keeps these six columns (integrations read them); library entries carry their
// title, states and versions in Details, so a row reads without the app.

/**
 * Audit entries, newest first (by id: entries are only ever appended), `limit` at a time; `query.before`
 * pages on from the last id shown, as quick deep in a long log as at its top.
 */
export async function listAudit(db: Db, { actor, query, limit = 500 }: { actor: SessionUser; query: AuditQuery; limit?: number }) {
  if (actor.role !== "admin") throw forbidden("Only admins can read the audit log.");
  const where: SQL[] = [];
  if (query.from) where.push(gte(auditLog.at, new Date(`${query.from}T00:00:00Z`)));
  if (query.to) where.push(lt(auditLog.at, new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000)));
  if (query.action) where.push(eq(auditLog.action, query.action));
  if (query.kind) where.push(eq(auditLog.targetType, query.kind));
  if (query.target) where.push(eq(auditLog.targetId, query.target));
  if (query.before) where.push(lt(auditLog.id, query.before));
  if (query.actor)
    where.push(
      query.actor.toLowerCase() === "system" ? isNull(auditLog.actorId) : sql`lower(${users.email}) = ${query.actor.toLowerCase()}`,
    );
  const rows = await db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      // No actor means the system did it (scheduled publishing, expiry); accounts are deactivated, never deleted.
      actor: sql<string>`coalesce(${users.email}, 'system')`,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      /** The item's current title, for the link (the title at the time is in the details). */
      itemTitle: items.title,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(items, and(eq(auditLog.targetType, "item"), sql`${auditLog.targetId} = ${items.id}::text`))
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit).map((r) => ({ ...r, summary: describeAudit(r.action, r.details) }));
  return { entries, next: rows.length > limit ? entries[entries.length - 1].id : null };
}
