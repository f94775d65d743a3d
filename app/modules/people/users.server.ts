// Accounts and teams, administered by admins. Every function checks the actor itself.
import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { lockKey } from "@/db/advisory-lock";
import type { Db } from "@/db/client";
import { invitations, teamLeads, teams, users } from "@/db/schema";
import { ROLE_LABEL, ROLES } from "@/vocabulary/people";
import { MAX_PASSWORD_LENGTH, hashPassword } from "~/modules/auth/password.server";
import { mayUseApiTokens, revokeAllApiTokens } from "~/modules/auth/api-tokens.server";
import { endAllSessions, type SessionUser } from "~/modules/auth/session.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { AppError, forbidden, notFound } from "~/modules/errors.server";

export function requireAdmin(actor: SessionUser) {
  if (actor.role !== "admin") throw forbidden("Only admins manage people and teams.");
}

const uuidOrEmpty = z
  .string()
  .trim()
  .transform((v) => (v === "" ? null : v))
  .pipe(z.uuid("Choose a team from the list.").nullable());

export const NewUserInput = z.object({
  email: z.string().trim().toLowerCase().max(254).email("Enter a valid email address."),
  name: z.string().trim().min(1, "Name is required.").max(120),
  role: z.enum(ROLES, { message: "Choose a role." }),
  teamId: uuidOrEmpty.optional().default(null),
  password: z
    .string()
    .min(10, "Use at least 10 characters.")
    .max(MAX_PASSWORD_LENGTH, `Passwords are at most ${MAX_PASSWORD_LENGTH} characters.`),
});

export const UpdateUserInput = z.object({
  userId: z.uuid(),
  role: z.enum(ROLES).optional(),
  teamId: uuidOrEmpty.optional(),
  active: z.boolean().optional(),
});

/**
 * What the admin's page showed for a person when it loaded. Its form posts the role and the team together,
 * so a field still at that value is one this admin left alone, not one to write back over a change made since.
 */
export const LoadedValues = z.object({
  role: z.enum(ROLES).optional(),
  teamId: uuidOrEmpty.optional(),
});
type Changes = z.infer<typeof UpdateUserInput>;
type Loaded = z.infer<typeof LoadedValues>;

/** The changes without the fields the form posted as they were when its page loaded. */
function changedSinceLoad(data: Changes, loaded: Loaded): Changes {
  const { role, teamId, ...rest } = data;
  return {
    ...rest,
    ...(role !== undefined && role !== loaded.role ? { role } : {}),
    ...(teamId !== undefined && teamId !== loaded.teamId ? { teamId } : {}),
  };
}

/**
 * Refuses, naming what the person has now, when someone else changed a field since this admin's page loaded
 * and this admin changed it too: saving would silently undo the other change. Choosing what they chose is fine.
 */
async function refuseStaleChanges(
  tx: Db,
  { before, data, loaded }: { before: { name: string; role: string; teamId: string | null }; data: Changes; loaded: Loaded },
) {
  const stale = (field: "role" | "teamId") =>
    data[field] !== undefined && loaded[field] !== undefined && before[field] !== loaded[field] && before[field] !== data[field];
  const now: string[] = [];
  if (stale("role")) now.push(`role to ${ROLE_LABEL[before.role] ?? before.role}`);
  if (stale("teamId")) {
    const [team] = before.teamId ? await tx.select({ name: teams.name }).from(teams).where(eq(teams.id, before.teamId)) : [];
    now.push(team ? `team to ${team.name}` : "team to no team");
  }
  if (now.length === 0) return;
  throw new AppError(
    "conflict",
    `Someone else changed ${before.name}'s ${now.join(" and ")} after this page loaded, so nothing was saved. ` +
      "The row shows what they have now: choose again and save if you still want to change it.",
  );
}

/** The names of a person's team and the teams they lead, for their own page: not every team's member count. */
export async function teamNamesOf(db: Db, user: SessionUser): Promise<{ team: string | null; leads: string[] }> {
  const ids = [...new Set([...(user.teamId ? [user.teamId] : []), ...user.leadsTeamIds])];
  if (ids.length === 0) return { team: null, leads: [] };
  const rows = await db.select({ id: teams.id, name: teams.name }).from(teams).where(inArray(teams.id, ids)).orderBy(asc(teams.name));
  return {
    team: rows.find((t) => t.id === user.teamId)?.name ?? null,
    leads: rows.filter((t) => user.leadsTeamIds.includes(t.id)).map((t) => t.name),
  };
}

export async function listTeams(db: Db) {
  return db
    .select({
      id: teams.id,
      name: teams.name,
      region: teams.region,
      // A join, not a correlated subquery: in a one-table select drizzle writes ${teams.id} as a bare "id",
      // which inside `from users u` meant u.id, and every team counted 0.
      members: sql<number>`(count(${users.id}) filter (where ${users.active}))::int`,
    })
    .from(teams)
    .leftJoin(users, eq(users.teamId, teams.id))
    .groupBy(teams.id)
    .orderBy(asc(teams.name));
}

/** A team chosen for someone must exist: a 422 that names it, not a foreign-key failure. */
export async function requireTeam(db: Db, teamId: string | null | undefined): Promise<void> {
  if (!teamId) return;
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId));
  if (!team) throw new AppError("unprocessable", "That team does not exist (it may have just been removed). Choose a team from the list.");
}

export async function createUser(db: Db, { actor, input }: { actor: SessionUser; input: unknown }) {
  requireAdmin(actor);
  const data = NewUserInput.parse(input);
  await requireTeam(db, data.teamId);
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ email: data.email, name: data.name, role: data.role, teamId: data.teamId, passwordHash })
      .onConflictDoNothing()
      .returning({ id: users.id, email: users.email, name: users.name, role: users.role, teamId: users.teamId });
    if (!created) throw new AppError("conflict", `There is already an account for ${data.email}.`);
    await withdrawInvitationsTo(tx as unknown as Db, created.email);
    await recordAudit(tx, {
      actor,
      action: "user.created",
      targetType: "user",
      targetId: created.id,
      details: { email: created.email, role: created.role, teamId: created.teamId },
    });
    return created;
  });
}

/**
 * An account now exists for `email` (made by an admin, by SSO or from an invitation): its other pending
 * invitations could only ever answer "not valid", and Resend would mail such a link again.
 */
export async function withdrawInvitationsTo(tx: Db, email: string) {
  await tx
    .update(invitations)
    .set({ withdrawnAt: new Date() })
    .where(and(eq(invitations.email, email.toLowerCase()), isNull(invitations.acceptedAt), isNull(invitations.withdrawnAt)));
}

/**
 * Whether someone other than `userId` is an active admin, asked under a lock every change that takes an
 * admin away holds first: two admins demoting each other at the same moment both passed a per-row check
 * and left nobody who could reach /admin.
 */
export async function anotherActiveAdmin(tx: Db, userId: string): Promise<boolean> {
  await lockKey(tx, "active-admins");
  const [{ n }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.active, true), ne(users.id, userId)));
  return n > 0;
}

/** `loaded`: what the admin's page showed (see LoadedValues); the API sends only what it changes and has none. */
export async function updateUser(db: Db, { actor, input, loaded }: { actor: SessionUser; input: unknown; loaded?: unknown }) {
  requireAdmin(actor);
  const was = LoadedValues.parse(loaded ?? {});
  const data = changedSinceLoad(UpdateUserInput.parse(input), was);
  if (data.userId === actor.id && (data.active === false || (data.role && data.role !== "admin"))) {
    throw new AppError("unprocessable", "You can't deactivate yourself or remove your own admin role.");
  }
  await requireTeam(db, data.teamId);
  const removesAdmin = data.active === false || (data.role !== undefined && data.role !== "admin");
  return db.transaction(async (tx) => {
    // The lock before the row's: every change that takes an admin away waits its turn.
    const othersLeft = removesAdmin ? await anotherActiveAdmin(tx as unknown as Db, data.userId) : true;
    const [before] = await tx
      .select({ name: users.name, role: users.role, teamId: users.teamId, active: users.active })
      .from(users)
      .where(eq(users.id, data.userId))
      .for("update");
    if (!before) throw notFound("No such user.");
    await refuseStaleChanges(tx as unknown as Db, { before, data, loaded: was });
    if (before.role === "admin" && before.active && !othersLeft) {
      throw new AppError("conflict", "This is the last active admin: make someone else an admin first.");
    }
    // A Save on a row nobody changed (or changed to what it already is): no write, no "Saved." for nothing.
    const differs =
      (data.role !== undefined && data.role !== before.role) ||
      (data.teamId !== undefined && data.teamId !== before.teamId) ||
      (data.active !== undefined && data.active !== before.active);
    if (!differs) return { user: { id: data.userId, role: before.role, active: before.active }, changed: false };
    const [updated] = await tx
      .update(users)
      .set({
        ...(data.role ? { role: data.role } : {}),
        ...(data.teamId !== undefined ? { teamId: data.teamId } : {}),
        ...(data.active !== undefined ? { active: data.active } : {}),
        updatedAt: new Date(),
      })
      .where(eq(users.id, data.userId))
      .returning({ id: users.id, role: users.role, teamId: users.teamId, active: users.active });
    // Roles are read on every request; deactivation must also end open sessions at once.
    if (data.active === false) await endAllSessions(tx as unknown as Db, updated.id);
    // Revoked, not merely refused while it lasts: reactivated or made a marketer again, the person would
    // otherwise find every old token working again, unseen (a seller's tokens are not listed on Me).
    const apiTokensRevoked = !updated.active || !mayUseApiTokens(updated) ? await revokeAllApiTokens(tx as unknown as Db, updated.id) : 0;
    if (data.role && data.role !== "manager") await tx.delete(teamLeads).where(eq(teamLeads.userId, updated.id));
    // An admin on the way out could otherwise invite a private address as admin and come back in by it.
    if (before.role === "admin" && before.active && (updated.role !== "admin" || !updated.active)) {
      const withdrawn = await tx
        .update(invitations)
        .set({ withdrawnAt: new Date() })
        .where(and(eq(invitations.invitedBy, updated.id), isNull(invitations.acceptedAt), isNull(invitations.withdrawnAt)))
        .returning({ id: invitations.id, email: invitations.email });
      for (const invite of withdrawn) {
        await recordAudit(tx, {
          actor,
          action: "invitation.withdrawn",
          targetType: "user",
          details: { invitationId: invite.id, email: invite.email },
        });
      }
    }
    const changes: [string, unknown, unknown][] = [
      ["user.role_changed", before.role, updated.role],
      ["user.team_changed", before.teamId, updated.teamId],
      ["user." + (updated.active ? "reactivated" : "deactivated"), before.active, updated.active],
    ];
    // The tokens are told with the change that took them: deactivation, else the move to seller.
    const tokensWith = updated.active ? "user.role_changed" : "user.deactivated";
    for (const [action, from, to] of changes) {
      if (from === to) continue;
      const details = { from, to, ...(action === tokensWith && apiTokensRevoked ? { apiTokensRevoked } : {}) };
      await recordAudit(tx, { actor, action, targetType: "user", targetId: updated.id, details });
    }
    return { user: { id: updated.id, role: updated.role, active: updated.active }, changed: true };
  });
}

export const NewTeamInput = z.object({
  name: z.string().trim().min(1, "Team name is required.").max(80),
  region: z.string().trim().max(40).optional(),
  leadId: uuidOrEmpty.optional(),
  /** The lead by address: what an admin knows in an org of hundreds of managers. */
  leadEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .optional()
    .transform((v) => v || undefined),
});

export async function createTeam(db: Db, { actor, input }: { actor: SessionUser; input: unknown }) {
  requireAdmin(actor);
  const data = NewTeamInput.parse(input);
  // The lead is checked before the team exists, so a mistyped address creates nothing.
  let leadId = data.leadId ?? null;
  if (data.leadEmail) {
    const [lead] = await db.select({ id: users.id, role: users.role }).from(users).where(eq(users.email, data.leadEmail));
    if (!lead) throw new AppError("unprocessable", `Nobody here has the address ${data.leadEmail}.`);
    if (lead.role !== "manager") throw new AppError("unprocessable", "Only managers can lead a team.");
    leadId = lead.id;
  }
  const [team] = await db
    .insert(teams)
    .values({ name: data.name, region: data.region || null })
    .onConflictDoNothing()
    .returning();
  if (!team) throw new AppError("conflict", `A team called "${data.name}" already exists.`);
  await recordAudit(db, {
    actor,
    action: "team.created",
    targetType: "team",
    targetId: team.id,
    details: { name: team.name, region: team.region },
  });
  if (leadId) await setTeamLead(db, { actor, teamId: team.id, userId: leadId });
  return team;
}

export async function setTeamLead(db: Db, { actor, teamId, userId }: { actor: SessionUser; teamId: string; userId: string }) {
  requireAdmin(actor);
  const [lead] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  if (lead?.role !== "manager") throw new AppError("unprocessable", "Only managers can lead a team.");
  await db.insert(teamLeads).values({ teamId, userId }).onConflictDoNothing();
  await recordAudit(db, { actor, action: "team.lead_added", targetType: "team", targetId: teamId, details: { userId } });
}
