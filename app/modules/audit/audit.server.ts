// The audit trail: recorded inside the same transaction as the change it describes, read by admins.
import { and, desc, eq, gte, isNull, lt, sql, type SQL } from "drizzle-orm";
import { alias, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Db } from "@/db/client";
import { auditLog, items, teams, users } from "@/db/schema";
import type { SessionUser } from "~/modules/auth/session.server";
import { forbidden } from "~/modules/errors.server";
import { urlBefore } from "~/modules/validation.server";
import { endOfDay, storableDate } from "@/vocabulary/dates";
import { UUID_PATTERN } from "@/vocabulary/ids";
import { auditNames, describeAudit } from "./sentences.server";

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
  "share.items_added",
  "share.item_removed",
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

const targetUser = alias(users, "target_user");
// Target ids are text (a few kinds of target); as a uuid, when they are one, they meet the primary keys.
const targetUuid = sql`(case when ${auditLog.targetId} ~* ${UUID_PATTERN.source} then ${auditLog.targetId}::uuid end)`;

/**
 * Audit entries, newest first (by id: entries are only ever appended), `limit` at a time; `query.before`
 * pages on from the last id shown, as quick deep in a long log as at its top.
 */
export async function listAudit(db: Db, { actor, query, limit = 500 }: { actor: SessionUser; query: AuditQuery; limit?: number }) {
  if (actor.role !== "admin") throw forbidden("Only admins can read the audit log.");
  const where: SQL[] = [];
  if (query.from) where.push(gte(auditLog.at, new Date(`${query.from}T00:00:00Z`)));
  if (query.to) where.push(lt(auditLog.at, endOfDay(query.to)));
  if (query.action) where.push(eq(auditLog.action, query.action));
  if (query.kind) where.push(eq(auditLog.targetType, query.kind));
  if (query.target) where.push(eq(auditLog.targetId, query.target));
  if (query.before) where.push(lt(auditLog.id, query.before));
  if (query.actor)
    where.push(
      query.actor.toLowerCase() === "system"
        ? isNull(auditLog.actorId)
        : // The person first (once), then their entries by the actor index; not every entry's actor compared.
          // (A scalar, which the planner can take to the index; `= any(array(…))` it did not.)
          sql`${auditLog.actorId} = (select u.id from ${users} u where lower(u.email) = ${query.actor.toLowerCase()} limit 1)`,
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
      /** Who or what the entry is about, as named today: a person's email, a team's name. */
      targetName: sql<string | null>`coalesce(${targetUser.email}, ${teams.name})`,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(items, and(eq(auditLog.targetType, "item"), sql`${items.id} = ${targetUuid}`))
    .leftJoin(targetUser, and(eq(auditLog.targetType, "user"), sql`${targetUser.id} = ${targetUuid}`))
    .leftJoin(teams, and(eq(auditLog.targetType, "team"), sql`${teams.id} = ${targetUuid}`))
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  return { entries, next: rows.length > limit ? entries[entries.length - 1].id : null };
}

/**
 * The whole filtered log for the CSV, newest first, `pageSize` entries a batch (each batch one index
 * range by id, however deep). The first batch is read before the answer starts, so a refusal is still a
 * status code and not a cut-off download.
 */
export async function auditBatches(
  db: Db,
  { actor, query, pageSize = 5_000 }: { actor: SessionUser; query: AuditQuery; pageSize?: number },
) {
  const first = await listAudit(db, { actor, query: { ...query, before: undefined }, limit: pageSize });
  return (async function* () {
    let page = first;
    yield page.entries;
    while (page.next !== null) {
      page = await listAudit(db, { actor, query: { ...query, before: page.next }, limit: pageSize });
      yield page.entries;
    }
  })();
}

/** A page of the log for people to read: each entry with its sentence (the CSV keeps the raw details). */
export async function auditPage(db: Db, options: { actor: SessionUser; query: AuditQuery; limit: number }) {
  const { entries, next } = await listAudit(db, options);
  const known = await auditNames(db, entries);
  return { entries: entries.map((e) => ({ ...e, summary: describeAudit(e.action, e.details, known) })), next };
}
