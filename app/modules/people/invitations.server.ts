// Invitations: an admin names an email, role and team; the invitee gets a single-use link that expires,
// chooses a name and password (or signs in with SSO) and lands signed in with that role and team.
import { and, count, desc, eq, gt, ilike, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import { invitations, teams, users } from "@/db/schema";
import { INVALID_INVITE_MESSAGE } from "@/vocabulary/accounts";
import { ROLES, type Role } from "@/vocabulary/people";
import { recordAudit } from "~/modules/audit/audit.server";
import { MAX_PASSWORD_LENGTH, hashPassword } from "~/modules/auth/password.server";
import { NewPassword } from "~/modules/auth/password-reset.server";
import { requireTeam, withdrawInvitationsTo } from "~/modules/people/users.server";
import { createSession, type SessionUser } from "~/modules/auth/session.server";
import { hashToken, newToken } from "~/modules/auth/tokens.server";
import { AppError, forbidden, notFound } from "~/modules/errors.server";
import { queueMail } from "~/modules/mail/mail.server";
import { apiLimit, apiPage, urlFilter, urlPage } from "~/modules/validation.server";

export const INVITE_TTL_DAYS = 7;
/** Every failure to use a link answers this, so a link tells nobody whether an address has an account. */
/** Marks an account that has no password (SSO-only); no scrypt hash ever looks like it. */
export const NO_PASSWORD = "!none";

export type InviteSettings = { publicUrl: string; ssoName: string | null };

const teamIdOrNull = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => (v == null || v.trim() === "" ? null : v.trim()))
  .pipe(z.uuid("Choose a team from the list.").nullable());

export const InviteInput = z.object({
  email: z
    .string({ message: "Enter an email address." })
    .trim()
    .toLowerCase()
    .max(254, "That email address is too long.")
    .email("Enter a valid email address."),
  role: z.enum(ROLES, { message: "Choose a role." }),
  teamId: teamIdOrNull,
});

export const AcceptInput = z.object({
  name: z.string({ message: "Enter your name." }).trim().min(1, "Enter your name.").max(120),
  password: NewPassword,
});

function requireAdmin(actor: SessionUser) {
  if (actor.role !== "admin") throw forbidden("Only admins invite people.");
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

async function sendInvitation(
  tx: Tx,
  actor: SessionUser,
  invite: { email: string; role: Role; teamId: string | null },
  settings: InviteSettings,
) {
  const token = newToken();
  const expiresAt = new Date(Date.now() + INVITE_TTL_DAYS * 86_400_000);
  const team = invite.teamId ? (await tx.select({ name: teams.name }).from(teams).where(eq(teams.id, invite.teamId)))[0] : undefined;
  if (invite.teamId && !team) throw new AppError("unprocessable", "That team does not exist.");
  await queueMail(tx, {
    to: invite.email,
    template: {
      kind: "invitation",
      inviter: actor.name,
      role: invite.role,
      team: team?.name ?? null,
      url: `${settings.publicUrl}/invite/${token}`,
      expiresAt,
      sso: settings.ssoName,
    },
  });
  return { tokenHash: hashToken(token), expiresAt, token };
}

export async function inviteUser(db: Db, { actor, input, settings }: { actor: SessionUser; input: unknown; settings: InviteSettings }) {
  requireAdmin(actor);
  const data = InviteInput.parse(input);
  await requireTeam(db, data.teamId);
  return db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, data.email));
    if (existing) throw new AppError("conflict", `There is already an account for ${data.email}.`);
    // A new invitation replaces any pending one for the address: only the newest link works.
    await tx
      .update(invitations)
      .set({ withdrawnAt: new Date() })
      .where(and(eq(invitations.email, data.email), isNull(invitations.acceptedAt), isNull(invitations.withdrawnAt)));
    const sent = await sendInvitation(tx, actor, data, settings);
    const [created] = await tx
      .insert(invitations)
      .values({
        email: data.email,
        role: data.role,
        teamId: data.teamId,
        tokenHash: sent.tokenHash,
        expiresAt: sent.expiresAt,
        invitedBy: actor.id,
      })
      .returning({
        id: invitations.id,
        email: invitations.email,
        role: invitations.role,
        teamId: invitations.teamId,
        expiresAt: invitations.expiresAt,
      });
    await recordAudit(tx, {
      actor,
      action: "invitation.created",
      targetType: "user",
      targetId: null,
      details: { invitationId: created.id, email: created.email, role: created.role, teamId: created.teamId },
    });
    return created;
  });
}

/**
 * One invitation per CSV line: `email,role,team` (team by name, may be empty; a header line is skipped).
 * Each line stands alone: a bad line is reported and the others still go out.
 */
export async function inviteFromCsv(db: Db, { actor, csv, settings }: { actor: SessionUser; csv: string; settings: InviteSettings }) {
  requireAdmin(actor);
  const lines = csv
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length > 1000) throw new AppError("payload_too_large", "Invite at most 1000 people per file.");
  const teamRows = await db.select({ id: teams.id, name: teams.name }).from(teams);
  const teamByName = new Map(teamRows.map((t) => [t.name.toLowerCase(), t.id]));
  const invited: { line: number; email: string }[] = [];
  const failed: { line: number; email: string; error: string }[] = [];
  for (const [index, line] of lines.entries()) {
    const [email = "", role = "", team = ""] = line.split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, ""));
    if (index === 0 && email.toLowerCase() === "email") continue;
    const teamId = team ? teamByName.get(team.toLowerCase()) : null;
    if (teamId === undefined) {
      failed.push({ line: index + 1, email, error: `No team called "${team}".` });
      continue;
    }
    try {
      await inviteUser(db, { actor, input: { email, role: role.toLowerCase() || "seller", teamId }, settings });
      invited.push({ line: index + 1, email });
    } catch (error) {
      const message =
        error instanceof z.ZodError ? error.issues.map((i) => i.message).join(" ") : error instanceof AppError ? error.message : null;
      if (message === null) throw error;
      failed.push({ line: index + 1, email, error: message });
    }
  }
  return { invited, failed };
}

export const PENDING_PAGE_SIZE = 50;

/** The pending list's filters from an address: part of an address, and whether the link still works. */
export const PendingQuery = z.object({
  q: urlFilter(z.string().trim().min(1).max(254)),
  state: urlFilter(z.enum(["waiting", "expired"])),
  page: urlPage,
});
export type PendingQuery = z.infer<typeof PendingQuery>;
/** The API's filters are the list's, with the page's size (500 at most, and by default). */
export const PendingApiQuery = PendingQuery.extend({ page: apiPage, limit: apiLimit(500) });

function pendingWhere(query: PendingQuery) {
  return and(
    isNull(invitations.acceptedAt),
    isNull(invitations.withdrawnAt),
    query.q ? ilike(invitations.email, containsPattern(query.q)) : undefined,
    query.state === "expired"
      ? lte(invitations.expiresAt, sql`now()`)
      : query.state === "waiting"
        ? gt(invitations.expiresAt, sql`now()`)
        : undefined,
  );
}

/** Invitations not yet accepted or withdrawn, newest first. */
export async function listInvitations(
  db: Db,
  { actor, query = {}, limit = 500, offset = 0 }: { actor: SessionUser; query?: PendingQuery; limit?: number; offset?: number },
) {
  requireAdmin(actor);
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      teamName: teams.name,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      expired: sql<boolean>`${invitations.expiresAt} <= now()`,
    })
    .from(invitations)
    .leftJoin(teams, eq(teams.id, invitations.teamId))
    .where(pendingWhere(query))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(limit)
    .offset(offset);
}

/** One page of the admin's pending list, with the count for its pages (a CSV can invite hundreds at once). */
export async function pendingInvitationPage(
  db: Db,
  { actor, query, pageSize = PENDING_PAGE_SIZE }: { actor: SessionUser; query: PendingQuery; pageSize?: number },
) {
  const page = query.page ?? 1;
  const [rows, [{ total }]] = await Promise.all([
    listInvitations(db, { actor, query, limit: pageSize, offset: (page - 1) * pageSize }),
    db.select({ total: count() }).from(invitations).where(pendingWhere(query)),
  ]);
  return { rows, total, page, pages: Math.max(1, Math.ceil(total / pageSize)), pageSize };
}

/** A fresh link and expiry; the old link stops working. */
export async function resendInvitation(db: Db, { actor, id, settings }: { actor: SessionUser; id: string; settings: InviteSettings }) {
  requireAdmin(actor);
  return db.transaction(async (tx) => {
    const [invite] = await tx
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.id, z.uuid().catch("00000000-0000-0000-0000-000000000000").parse(id)),
          isNull(invitations.acceptedAt),
          isNull(invitations.withdrawnAt),
        ),
      )
      .for("update");
    if (!invite) throw notFound("No such pending invitation.");
    const [account] = await tx.select({ id: users.id }).from(users).where(eq(users.email, invite.email));
    if (account) throw new AppError("conflict", `There is already an account for ${invite.email}: the link could not be used.`);
    const sent = await sendInvitation(tx, actor, invite, settings);
    await tx.update(invitations).set({ tokenHash: sent.tokenHash, expiresAt: sent.expiresAt }).where(eq(invitations.id, invite.id));
    await recordAudit(tx, {
      actor,
      action: "invitation.resent",
      targetType: "user",
      details: { invitationId: invite.id, email: invite.email },
    });
    return { id: invite.id, email: invite.email, expiresAt: sent.expiresAt };
  });
}

export async function withdrawInvitation(db: Db, { actor, id }: { actor: SessionUser; id: string }) {
  requireAdmin(actor);
  const valid = z.uuid().safeParse(id);
  const [invite] = valid.success
    ? await db
        .update(invitations)
        .set({ withdrawnAt: new Date() })
        .where(and(eq(invitations.id, valid.data), isNull(invitations.acceptedAt), isNull(invitations.withdrawnAt)))
        .returning({ id: invitations.id, email: invitations.email })
    : [];
  if (!invite) throw notFound("No such pending invitation.");
  await recordAudit(db, {
    actor,
    action: "invitation.withdrawn",
    targetType: "user",
    details: { invitationId: invite.id, email: invite.email },
  });
  return invite;
}

/** How long a withdrawn invitation can be put back as it was, with its link working again. */
export const UNDO_WITHDRAW_MINUTES = 10;

/**
 * Undo for a withdrawal made by mistake: the invitation is pending again and the link already sent works.
 * Refused once the window has passed, the link has expired, the address has an account, or a newer
 * invitation to it is pending (one pending invitation per address, as inviting again keeps it).
 */
export async function restoreInvitation(db: Db, { actor, id, now = new Date() }: { actor: SessionUser; id: string; now?: Date }) {
  requireAdmin(actor);
  const valid = z.uuid().safeParse(id);
  if (!valid.success) throw notFound("No such invitation.");
  return db.transaction(async (tx) => {
    const [invite] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.id, valid.data), isNull(invitations.acceptedAt)))
      .for("update");
    if (!invite) throw notFound("No such invitation.");
    if (!invite.withdrawnAt) return { id: invite.id, email: invite.email };
    const cannot = (why: string) => new AppError("conflict", `${why} Invite ${invite.email} again instead.`);
    if (now.getTime() - invite.withdrawnAt.getTime() > UNDO_WITHDRAW_MINUTES * 60_000)
      throw cannot(`This invitation was withdrawn more than ${UNDO_WITHDRAW_MINUTES} minutes ago.`);
    if (invite.expiresAt <= now) throw cannot("Its link has expired.");
    const [account] = await tx.select({ id: users.id }).from(users).where(eq(users.email, invite.email)).limit(1);
    if (account) throw cannot(`${invite.email} has an account now.`);
    const [newer] = await tx
      .select({ id: invitations.id })
      .from(invitations)
      .where(and(eq(invitations.email, invite.email), isNull(invitations.acceptedAt), isNull(invitations.withdrawnAt)))
      .limit(1);
    if (newer) throw new AppError("conflict", `A newer invitation to ${invite.email} is pending; it stays, and this one stays withdrawn.`);
    await tx.update(invitations).set({ withdrawnAt: null }).where(eq(invitations.id, invite.id));
    await recordAudit(tx, {
      actor,
      action: "invitation.restored",
      targetType: "user",
      details: { invitationId: invite.id, email: invite.email, withdrawnAt: invite.withdrawnAt.toISOString() },
    });
    return { id: invite.id, email: invite.email };
  });
}

/** The pending invitation behind a link, or null for every kind of unusable link. */
export async function findInvitation(db: Db, token: string) {
  const [invite] = await db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, teamId: invitations.teamId, teamName: teams.name })
    .from(invitations)
    .leftJoin(teams, eq(teams.id, invitations.teamId))
    .where(
      and(
        eq(invitations.tokenHash, hashToken(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.withdrawnAt),
        gt(invitations.expiresAt, new Date()),
      ),
    );
  return invite ?? null;
}

/**
 * Creates the account from the invitation and opens a session. `password: null` is the SSO path
 * (the account gets no password; the identity is linked by the caller in the same transaction).
 */
export async function acceptInvitation(
  db: Db | Tx,
  {
    token,
    tokenHash,
    name,
    password,
    userAgent,
    via = "password",
    passwordsFor = "everyone",
  }: {
    token?: string;
    tokenHash?: string;
    name: string;
    password: string | null;
    userAgent: string | null;
    via?: "password" | "sso";
    /** SSO-only mode: a password account only for an admin's invitation (their break-glass way in). */
    passwordsFor?: "everyone" | "admins";
  },
) {
  const passwordHash = password === null ? NO_PASSWORD : await hashPassword(password.slice(0, MAX_PASSWORD_LENGTH));
  const run = async (tx: Tx) => {
    const [invite] = await tx
      .update(invitations)
      .set({ acceptedAt: new Date() })
      .where(
        and(
          eq(invitations.tokenHash, tokenHash ?? hashToken(token ?? "")),
          isNull(invitations.acceptedAt),
          isNull(invitations.withdrawnAt),
          gt(invitations.expiresAt, new Date()),
        ),
      )
      .returning();
    if (!invite) throw new AppError("not_found", INVALID_INVITE_MESSAGE);
    // Refused inside the claim's transaction, so the link stays usable for the SSO button. Accepted with a
    // password, the account had a session the identity provider never saw, and a password it could never use.
    if (via === "password" && passwordsFor === "admins" && invite.role !== "admin") {
      throw new AppError("forbidden", "Your organisation signs in with single sign-on: accept the invitation with the sign-in button.");
    }
    const [user] = await tx
      .insert(users)
      .values({ email: invite.email, name, role: invite.role, teamId: invite.teamId, passwordHash })
      .onConflictDoNothing()
      .returning({ id: users.id, email: users.email, name: users.name, role: users.role, teamId: users.teamId });
    // An account made for the address meanwhile (by an admin or SSO): the same answer as any dead link.
    if (!user) throw new AppError("not_found", INVALID_INVITE_MESSAGE);
    await tx.update(invitations).set({ userId: user.id }).where(eq(invitations.id, invite.id));
    await withdrawInvitationsTo(tx as unknown as Db, invite.email);
    await recordAudit(tx, {
      actor: { id: user.id },
      action: "invitation.accepted",
      targetType: "user",
      targetId: user.id,
      details: { invitationId: invite.id, email: user.email, role: user.role, teamId: user.teamId, via },
    });
    // The SSO path opens its own session after linking the identity.
    const sessionToken = via === "sso" ? "" : await createSession(tx as unknown as Db, user.id, userAgent);
    return { user: { ...user, leadsTeamIds: [] as string[] } satisfies SessionUser, token: sessionToken };
  };
  // Inside a caller's transaction this is a savepoint: a dead link undoes only this part.
  return (db as Db).transaction(run);
}
