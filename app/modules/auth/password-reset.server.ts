// Forgotten and changed passwords. A reset link is single-use, short-lived and answers the same for
// addresses that have an account and ones that don't; using it signs the account out everywhere.
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { loginAttempts, passwordResets, sessions, users } from "@/db/schema";
import { recordAudit } from "~/modules/audit/audit.server";
import { AppError } from "~/modules/errors.server";
import { queueMail } from "~/modules/mail/mail.server";
import { MAX_PASSWORD_LENGTH, hashPassword, verifyPassword } from "./password.server";
import { takeRateLimit } from "./rate-limit.server";
import { revokeAllApiTokens } from "./api-tokens.server";
import { endAllSessions, type SessionUser } from "./session.server";
import { hashToken, newToken } from "./tokens.server";
import { INVALID_RESET_MESSAGE } from "@/vocabulary/accounts";

export const RESET_TTL_MINUTES = 30;
const WINDOW_MS = 15 * 60_000;
/** Per address: enough for a typo'd retry or two, too few to flood someone's inbox. */
export const RESETS_PER_EMAIL = 3;
/** Per client address: stops one machine from probing or spamming many addresses. */
export const RESETS_PER_CLIENT = 20;

export const NewPassword = z
  .string({ message: "Choose a password." })
  .min(10, "Use at least 10 characters.")
  .max(MAX_PASSWORD_LENGTH, `Passwords are at most ${MAX_PASSWORD_LENGTH} characters.`);

export const ResetRequestInput = z.object({
  email: z
    .string({ message: "Enter your email address." })
    .trim()
    .toLowerCase()
    .max(254, "That email address is too long.")
    .email("Enter a valid email address."),
});

/** The one answer every reset request gets, whether or not the address has an account. */
export const RESET_REQUESTED_MESSAGE =
  "If that address has a Fieldkit account, a link to reset its password is on its way. It works once, for 30 minutes.";

export async function requestPasswordReset(
  db: Db,
  {
    input,
    client,
    publicUrl,
    passwordsFor = "everyone",
  }: { input: unknown; client: string; publicUrl: string; passwordsFor?: "everyone" | "admins" },
): Promise<void> {
  const { email } = ResetRequestInput.parse(input);
  // NOTE: limits are keyed by the address asked about, known or not, so a 429 reveals nothing either.
  const allowed =
    (await takeRateLimit(db, `reset-client:${client}`, { limit: RESETS_PER_CLIENT, windowMs: WINDOW_MS })) &&
    (await takeRateLimit(db, `reset:${email}`, { limit: RESETS_PER_EMAIL, windowMs: WINDOW_MS }));
  if (!allowed) throw new AppError("rate_limited", "Too many reset requests. Wait 15 minutes and try again.");
  const [user] = await db
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(and(eq(users.email, email), eq(users.active, true)));
  // In SSO-only mode only admins (break-glass) have passwords to reset; everyone else signs in with SSO.
  if (!user || (passwordsFor === "admins" && user.role !== "admin")) return;
  const token = newToken();
  await db.transaction(async (tx) => {
    await tx
      .insert(passwordResets)
      .values({ tokenHash: hashToken(token), userId: user.id, expiresAt: new Date(Date.now() + RESET_TTL_MINUTES * 60_000) });
    await queueMail(tx, {
      to: email,
      template: { kind: "password_reset", url: `${publicUrl}/reset-password/${token}`, minutes: RESET_TTL_MINUTES },
    });
    await recordAudit(tx, {
      actor: null,
      action: "user.password_reset_requested",
      targetType: "user",
      targetId: user.id,
      details: { client },
    });
  });
}

/** Whether a reset link can still be used (for the page that asks for the new password). */
export async function resetLinkIsValid(db: Db, token: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: passwordResets.userId })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(
      and(
        eq(passwordResets.tokenHash, hashToken(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, new Date()),
        eq(users.active, true),
      ),
    );
  return Boolean(row);
}

export async function resetPassword(db: Db, { token, input, publicUrl }: { token: string; input: unknown; publicUrl: string }) {
  const password = NewPassword.parse((input as { password?: unknown } | null)?.password);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // The row is claimed (used_at set) in the same statement that checks it, so two requests racing one link can't both win.
    const [claimed] = await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date())))
      .returning({ userId: passwordResets.userId });
    const [user] = claimed
      ? await tx
          .select({ id: users.id, email: users.email, name: users.name })
          .from(users)
          .where(and(eq(users.id, claimed.userId), eq(users.active, true)))
      : [];
    if (!user) throw new AppError("not_found", INVALID_RESET_MESSAGE);
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    // Every other link for this account dies with it, and every session: whoever had the old password is out.
    await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    // Every session, and every browser's push subscription with them (a thief's browser kept the notifications).
    await endAllSessions(tx as unknown as Db, user.id);
    // API tokens too: a reset is how an account is taken back, and a token minted with the stolen password
    // would otherwise keep working for whoever minted it.
    const apiTokensRevoked = await revokeAllApiTokens(tx as unknown as Db, user.id);
    await tx.delete(loginAttempts).where(eq(loginAttempts.email, user.email));
    await recordAudit(tx, {
      actor: null,
      action: "user.password_reset",
      targetType: "user",
      targetId: user.id,
      details: { sessionsRevoked: true, apiTokensRevoked },
    });
    await queueMail(tx, {
      to: user.email,
      template: {
        kind: "password_changed",
        name: user.name,
        when: new Date(),
        resetUrl: `${publicUrl}/forgot-password`,
        apiTokensRevoked,
      },
    });
    return { userId: user.id, email: user.email };
  });
}

export const ChangePasswordInput = z.object({
  current: z.string({ message: "Enter your current password." }).min(1, "Enter your current password.").max(MAX_PASSWORD_LENGTH),
  password: NewPassword,
});

/**
 * Change on Me: needs the current password; signs out every other session (the current one stays) and
 * revokes the person's API tokens, as a reset does: changing it is what someone does who fears it was
 * seen, and a token minted with it would otherwise keep working. Returns how many tokens went.
 */
export async function changePassword(
  db: Db,
  {
    user,
    input,
    currentSessionToken,
    publicUrl,
  }: { user: SessionUser; input: unknown; currentSessionToken: string | null; publicUrl: string },
) {
  const data = ChangePasswordInput.parse(input);
  if (!(await takeRateLimit(db, `password-change:${user.id}`, { limit: 10, windowMs: WINDOW_MS }))) {
    throw new AppError("rate_limited", "Too many attempts. Wait 15 minutes and try again.");
  }
  const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, user.id));
  if (!row || !(await verifyPassword(data.current, row.passwordHash))) {
    throw new AppError("unprocessable", "Your current password is not right.", { field: "current" });
  }
  const passwordHash = await hashPassword(data.password);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    const keep = currentSessionToken ? hashToken(currentSessionToken) : "";
    await tx.delete(sessions).where(and(eq(sessions.userId, user.id), ne(sessions.tokenHash, keep)));
    await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    const apiTokensRevoked = await revokeAllApiTokens(tx as unknown as Db, user.id);
    await recordAudit(tx, {
      actor: user,
      action: "user.password_changed",
      targetType: "user",
      targetId: user.id,
      details: { apiTokensRevoked },
    });
    await queueMail(tx, {
      to: user.email,
      template: { kind: "password_changed", name: user.name, when: new Date(), resetUrl: `${publicUrl}/forgot-password`, apiTokensRevoked },
    });
    return { apiTokensRevoked };
  });
}
