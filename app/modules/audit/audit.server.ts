// The audit trail: recorded inside the same transaction as the change it describes, read by admins.
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { auditLog, users } from "../../../db/schema";
import type { SessionUser } from "../auth/session.server";
import { forbidden } from "../errors.server";

type AnyDb = PgDatabase<PgQueryResultHKT, any>;

export type AuditEntry = {
  actor: Pick<SessionUser, "id"> | null;
  action: string;
  targetType: "user" | "team" | "token" | "item" | "tag";
  targetId?: string | null;
  details?: Record<string, unknown>;
};

export async function recordAudit(db: AnyDb, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actor?.id ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
  });
}

export const AuditQuery = z.object({
  from: z.iso.date().optional().catch(undefined),
  to: z.iso.date().optional().catch(undefined),
  action: z.string().trim().max(60).optional().catch(undefined),
});

export const AUDIT_COLUMNS = [
  { key: "at", label: "When" },
  { key: "actor", label: "Who" },
  { key: "action", label: "Action" },
  { key: "targetType", label: "Target type" },
  { key: "targetId", label: "Target" },
  { key: "details", label: "Details" },
] as const;

export async function listAudit(db: Db, { actor, query, limit = 500 }: { actor: SessionUser; query: z.infer<typeof AuditQuery>; limit?: number }) {
  if (actor.role !== "admin") throw forbidden("Only admins can read the audit log.");
  const where: SQL[] = [];
  if (query.from) where.push(gte(auditLog.at, new Date(`${query.from}T00:00:00Z`)));
  if (query.to) where.push(lt(auditLog.at, new Date(new Date(`${query.to}T00:00:00Z`).getTime() + 86_400_000)));
  if (query.action) where.push(eq(auditLog.action, query.action));
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actor: users.email,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      details: auditLog.details,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(...where))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}
