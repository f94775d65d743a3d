// Sign-in, server-side sessions and API tokens. Every way of proving who you are ends in `SessionUser`.
import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { lockKey } from "@/db/advisory-lock";
import type { Db } from "@/db/client";
import { apiTokens, feedbackReplies, loginAttempts, notifications, sessions, teamLeads, users } from "@/db/schema";
import type { Role } from "@/vocabulary/people";
import { AppError } from "~/modules/errors.server";
import { forgetPushBrowsers } from "~/modules/notifications/push.server";
import { MAX_PASSWORD_LENGTH, hashToCheck, isPasswordHash, verifyPassword } from "./password.server";
import { hashToken, newToken } from "./tokens.server";

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  /** Teams this user leads (managers); admins lead none but see all. */
  leadsTeamIds: string[];
};

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const LOCKOUT_WINDOW_MS = 15 * 60 * 1000;
/**
 * Failures in the window before sign-in is refused: for one address from one client; for one address
 * from anywhere (guesses spread over many clients); from one client over every address (one client
 * trying a few guesses at each of many accounts; high enough for an office behind one address on a
 * Monday morning). Counted per address alone, ten wrong guesses from anyone locked the owner out too,
 * an admin's break-glass account included, when it was needed.
 */
export const LOCKOUT_AFTER = { addressFromClient: 10, address: 100, client: 100 } as const;

export const SignInInput = z.object({
  email: z
    .string({ message: "Email is required." })
    .trim()
    .toLowerCase()
    .min(3, "Email is required.")
    .max(254, "That email address is too long.")
    .email("Enter a valid email address."),
  password: z
    .string({ message: "Password is required." })
    .min(1, "Password is required.")
    .max(MAX_PASSWORD_LENGTH, `Passwords are at most ${MAX_PASSWORD_LENGTH} characters.`),
});
export type SignInInput = z.infer<typeof SignInInput>;

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  teamId: users.teamId,
  active: users.active,
  passwordHash: users.passwordHash,
};

/**
 * Checks credentials and opens a session. The same message for every failure, and a decoy hash for
 * unknown emails, so the response does not reveal which accounts exist.
 */
export async function signIn(
  db: Db,
  input: SignInInput,
  meta: { userAgent?: string | null; passwordsFor?: "everyone" | "admins"; client?: string } = {},
): Promise<{ user: SessionUser; token: string }> {
  const since = new Date(Date.now() - LOCKOUT_WINDOW_MS);
  const client = meta.client ?? "unknown";
  // The attempt is written as a failure, under a lock on the address, before the password is checked
  // (and taken back if it was right): counted while earlier guesses were still hashing, 400 guesses sent
  // at once each found fewer than 10 failures, and all were checked.
  const attempt = await db.transaction(async (tx) => {
    await lockKey(tx, `sign-in:${input.email}`);
    const [{ fromClient, anywhere }] = await tx
      .select({
        fromClient: sql<number>`(count(*) filter (where ${loginAttempts.client} = ${client}))::int`,
        anywhere: sql<number>`count(*)::int`,
      })
      .from(loginAttempts)
      .where(and(eq(loginAttempts.email, input.email), gt(loginAttempts.at, since)));
    // A client nobody knows (no address behind it) is not one client: it gets no limit of its own.
    const [{ byClient }] =
      client === "unknown"
        ? [{ byClient: 0 }]
        : await tx
            .select({ byClient: sql<number>`count(*)::int` })
            .from(loginAttempts)
            .where(and(eq(loginAttempts.client, client), gt(loginAttempts.at, since)));
    if (fromClient >= LOCKOUT_AFTER.addressFromClient || anywhere >= LOCKOUT_AFTER.address || byClient >= LOCKOUT_AFTER.client) return null;
    const [row] = await tx.insert(loginAttempts).values({ email: input.email, client }).returning({ id: loginAttempts.id });
    return row;
  });
  if (!attempt) throw new AppError("rate_limited", "Too many failed sign-ins. Wait 15 minutes and try again.");
  const [row] = await db.select(userColumns).from(users).where(eq(users.email, input.email)).limit(1);
  // An account without a password (made by single sign-on) is checked against the decoy too: answered
  // at once, it told anyone timing one request that the address has an account.
  const checked = await verifyPassword(input.password, await hashToCheck(row?.passwordHash));
  const ok = Boolean(row && isPasswordHash(row.passwordHash) && checked);
  if (!row || !ok || !row.active) throw new AppError("unauthorized", "Email or password is incorrect.");
  // SSO-only: passwords are off, except admins' break-glass accounts. Checked after the password, so
  // the answer reveals nothing to someone who does not know it.
  if (meta.passwordsFor === "admins" && row.role !== "admin") {
    await db.delete(loginAttempts).where(eq(loginAttempts.id, attempt.id));
    throw new AppError("forbidden", "Sign in with single sign-on: passwords are turned off for this organisation.");
  }
  await db.delete(loginAttempts).where(eq(loginAttempts.email, input.email));
  const token = await createSession(db, row.id, meta.userAgent ?? null);
  return { user: await loadSessionUser(db, row), token };
}

export async function createSession(db: Db, userId: string, userAgent: string | null): Promise<string> {
  const token = newToken();
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    userId,
    expiresAt: new Date(Date.now() + SESSION_TTL_MS),
    userAgent: userAgent?.slice(0, 300) ?? null,
  });
  return token;
}

/**
 * Ends one session; `pushEndpoint` is the signing-out browser's push subscription (sent by the service
 * worker), forgotten with it. NOTE: left subscribed, a shared tablet showed the seller's notifications on
 * its lock screen to whoever signed in next. Only the session's own person's subscription goes.
 */
export async function endSession(db: Db, token: string, { pushEndpoint }: { pushEndpoint?: string | null } = {}): Promise<void> {
  await db.transaction(async (tx) => {
    const [ended] = await tx
      .delete(sessions)
      .where(eq(sessions.tokenHash, hashToken(token)))
      .returning({ userId: sessions.userId });
    if (ended && pushEndpoint) await forgetPushBrowsers(tx, { userId: ended.userId, endpoint: pushEndpoint });
  });
}

/** "Sign out everywhere", and what deactivation does: every browser stops receiving the person's push too. */
export async function endAllSessions(db: Db, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await forgetPushBrowsers(tx, { userId });
  });
}

/**
 * The user behind a browser session, in one statement built once per database handle: every page
 * request runs it, so it also brings the manager's teams, for sellers the count of marketing's replies
 * not read yet (the badge on Me), and the unread in-app notifications (the bell) instead of one more
 * round trip each (decision 022).
 */
export async function userForSessionToken(
  db: Db,
  token: string,
): Promise<(SessionUser & { unreadReplies: number; unreadNotifications: number }) | null> {
  let statement = sessionStatements.get(db);
  if (!statement) sessionStatements.set(db, (statement = sessionStatement(db)));
  const [row] = await statement.execute({ tokenHash: hashToken(token) });
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    teamId: row.teamId,
    leadsTeamIds: row.leads,
    unreadReplies: row.unread,
    unreadNotifications: row.notifications,
  };
}

const sessionStatement = (db: Db) =>
  db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      teamId: users.teamId,
      leads: sql<string[]>`case when ${users.role} = 'manager'
        then coalesce((select json_agg(tl.team_id) from ${teamLeads} tl where tl.user_id = ${users.id}), '[]'::json)
        else '[]'::json end`,
      // NOTE: plain counts, on every page. The item page's visibility rule in here (for unread ones about an
      // item the person can no longer open) tripled its planning time and cost the item page a fifth of its
      // throughput; such ones are marked read instead when their list is looked at (notifications/about-item.server.ts).
      unread: sql<number>`case when ${users.role} = 'seller'
        then (select count(*)::int from ${feedbackReplies} fr where fr.recipient_id = ${users.id} and fr.read_at is null)
        else 0 end`,
      notifications: sql<number>`(select count(*)::int from ${notifications} n
        where n.user_id = ${users.id} and n.in_app and n.read_at is null)`,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sql.placeholder("tokenHash")), sql`${sessions.expiresAt} > now()`, eq(users.active, true)))
    .limit(1)
    .prepare("session_user");
const sessionStatements = new WeakMap<Db, ReturnType<typeof sessionStatement>>();

/** An active person as a SessionUser, to ask what they may see (e.g. before telling them about an item). */
export async function sessionUserById(db: Db, id: string): Promise<SessionUser | null> {
  const [row] = await db
    .select(userColumns)
    .from(users)
    .where(and(eq(users.id, id), eq(users.active, true)));
  return row ? loadSessionUser(db, row) : null;
}

export async function userForApiToken(db: Db, token: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({ ...userColumns, tokenId: apiTokens.id })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    // Not a seller's (api-tokens.server.ts): a marketer moved to seller by SSO kept a token they could not see.
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt), eq(users.active, true), ne(users.role, "seller")))
    .limit(1);
  if (!row) return null;
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, row.tokenId));
  return loadSessionUser(db, row);
}

async function loadSessionUser(
  db: Db,
  row: { id: string; email: string; name: string; role: Role; teamId: string | null },
): Promise<SessionUser> {
  const leads =
    row.role === "manager" ? await db.select({ teamId: teamLeads.teamId }).from(teamLeads).where(eq(teamLeads.userId, row.id)) : [];
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    teamId: row.teamId,
    leadsTeamIds: leads.map((l) => l.teamId),
  };
}

/** The shape the API returns for a user (contract: `{id,email,name,role,teamId}`). */
export const publicUser = (u: SessionUser) => ({ id: u.id, email: u.email, name: u.name, role: u.role, teamId: u.teamId });
