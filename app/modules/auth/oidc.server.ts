// Single sign-on with OpenID Connect (openid-client): authorization code flow with PKCE, state and
// nonce kept server-side and usable once, ID token signatures checked. Accounts are found by the
// provider's subject, linked by verified email, or created just in time with role and team mapped
// from claims. Every refusal is a clear page and an audit entry.
import { and, eq, gt, isNull } from "drizzle-orm";
import * as client from "openid-client";
import type { Db } from "@/db/client";
import { oidcLogins, teamLeads, teams, userIdentities, users } from "@/db/schema";
import { ROLES, type Role } from "@/vocabulary/people";
import type { OidcSettings } from "~/env.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { NO_PASSWORD, acceptInvitation } from "~/modules/people/invitations.server";
import { anotherActiveAdmin, withdrawInvitationsTo } from "~/modules/people/users.server";
import { createSession, type SessionUser } from "./session.server";
import { hashToken } from "./tokens.server";

const LOGIN_TTL_MS = 10 * 60_000;
export const OIDC_CALLBACK_PATH = "/auth/oidc/callback";

/** A sign-in the app refused, with what to tell the person and what to record. */
export class OidcRefusal extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "OidcRefusal";
  }
}

const configs = new Map<string, Promise<client.Configuration>>();

/** Discovery once per issuer and client; a failed discovery is retried on the next sign-in. */
function oidcConfig(settings: OidcSettings): Promise<client.Configuration> {
  const key = `${settings.issuer}|${settings.clientId}`;
  let config = configs.get(key);
  if (!config) {
    const execute = [client.enableNonRepudiationChecks, ...(settings.allowHttp ? [client.allowInsecureRequests] : [])];
    config = client.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret, undefined, { execute });
    config.catch(() => configs.delete(key));
    configs.set(key, config);
  }
  return config;
}

export async function startOidcLogin(
  db: Db,
  {
    settings,
    publicUrl,
    redirectTo,
    inviteToken,
  }: { settings: OidcSettings; publicUrl: string; redirectTo: string | null; inviteToken: string | null },
): Promise<{ url: string; state: string }> {
  let config: client.Configuration;
  try {
    config = await oidcConfig(settings);
  } catch (error) {
    throw new OidcRefusal(
      "provider_unreachable",
      `We couldn't reach ${settings.name}. Try again in a moment, or sign in with your password if you have one.`,
      String(error),
    );
  }
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  await db.insert(oidcLogins).values({
    stateHash: hashToken(state),
    nonce,
    codeVerifier,
    redirectTo,
    inviteTokenHash: inviteToken ? hashToken(inviteToken) : null,
    expiresAt: new Date(Date.now() + LOGIN_TTL_MS),
  });
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: publicUrl + OIDC_CALLBACK_PATH,
    scope: settings.scopes,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  });
  return { url: url.href, state };
}

/** What went wrong with a token, in words a person (and an admin reading the audit log) can use. */
function describeTokenError(error: unknown): [reason: string, message: string] {
  const text = errorText(error);
  if (/signature/i.test(text)) return ["bad_signature", "The sign-in token's signature is not valid, so it may have been tampered with."];
  if (/"aud"|audience/i.test(text)) return ["wrong_audience", "The sign-in token was issued for a different application."];
  if (/"exp"|expired|timestamp/i.test(text)) return ["expired_token", "The sign-in token has expired. Sign in again."];
  if (/nonce/i.test(text)) return ["nonce_mismatch", "The sign-in token does not belong to this sign-in (it may have been replayed)."];
  if (/"iss"|issuer/i.test(text)) return ["wrong_issuer", "The sign-in token came from an unexpected provider."];
  if (/state/i.test(text)) return ["state_mismatch", "This sign-in does not match the one your browser started."];
  return ["token_rejected", "The identity provider's answer could not be verified."];
}

/** openid-client wraps oauth4webapi's error (which names the failed claim) as its cause. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (
    let e = error as { message?: string; code?: string; cause?: unknown } | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    parts.push([e.code, e.message, (e as { claim?: string }).claim && `"${(e as { claim?: string }).claim}"`].filter(Boolean).join(" "));
    const claim = (e.cause as { claim?: string } | undefined)?.claim;
    if (claim) parts.push(`"${claim}"`);
  }
  return parts.join(" | ");
}

type Claims = Record<string, unknown>;

const unverifiedEmail = (settings: OidcSettings) =>
  new OidcRefusal(
    "email_unverified",
    `${settings.name} did not give a verified email address, which Fieldkit needs to sign you in. Ask your admin.`,
  );

export function mapRole(claims: Claims, settings: OidcSettings): Role | null {
  const raw = claims[settings.roleClaim];
  const values = (Array.isArray(raw) ? raw : raw == null ? [] : [raw]).map(String);
  const hasMap = Object.keys(settings.roleMap).length > 0;
  // Own keys only, and only roles: a group a person can name themselves ("constructor", "__proto__") found
  // what every object inherits, and made an account whose role was a function's source text.
  const mapped = values
    .map((v) => (hasMap ? (Object.hasOwn(settings.roleMap, v) ? settings.roleMap[v] : undefined) : v))
    .filter((r): r is Role => (ROLES as readonly unknown[]).includes(r));
  // Several groups: the most capable role wins, as an admin would expect from group membership.
  return mapped.sort((a, b) => ROLES.indexOf(b) - ROLES.indexOf(a))[0] ?? null;
}

async function mapTeam(db: Db, claims: Claims, settings: OidcSettings): Promise<{ present: boolean; teamId: string | null }> {
  const raw = claims[settings.teamClaim];
  const name = Array.isArray(raw) ? raw[0] : raw;
  if (typeof name !== "string" || !name.trim()) return { present: false, teamId: null };
  const [team] = await db.select({ id: teams.id }).from(teams).where(eq(teams.name, name.trim()));
  return { present: true, teamId: team?.id ?? null };
}

export type OidcResult = { user: SessionUser; token: string; redirectTo: string | null };

/**
 * Finishes a sign-in at the callback: the state must match this browser's cookie and be unused, the
 * code exchange and ID token must verify (signature, issuer, audience, expiry, nonce).
 */
export async function finishOidcLogin(
  db: Db,
  {
    settings,
    currentUrl,
    cookieState,
    userAgent,
  }: { settings: OidcSettings; currentUrl: URL; cookieState: string | null; userAgent: string | null },
): Promise<OidcResult> {
  const state = currentUrl.searchParams.get("state");
  // The state first, even for the provider's error: checked after, any link to the callback put its own
  // words on Fieldkit's page ("…did not sign you in: call 555-0100 to unlock your account.").
  if (!state || !cookieState || state !== cookieState) {
    throw new OidcRefusal(
      "state_mismatch",
      "This sign-in does not match the one your browser started (or it was already used). Start again.",
    );
  }
  if (currentUrl.searchParams.get("error")) {
    const said = currentUrl.searchParams.get("error_description") ?? currentUrl.searchParams.get("error") ?? "";
    throw new OidcRefusal("provider_error", `${settings.name} did not sign you in: ${said.slice(0, 300)}.`);
  }
  const [login] = await db
    .update(oidcLogins)
    .set({ usedAt: new Date() })
    .where(and(eq(oidcLogins.stateHash, hashToken(state)), isNull(oidcLogins.usedAt), gt(oidcLogins.expiresAt, new Date())))
    .returning();
  if (!login) throw new OidcRefusal("state_replayed", "This sign-in link was already used or has expired. Start again.");

  let claims: Claims;
  try {
    const config = await oidcConfig(settings);
    const tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: login.codeVerifier,
      expectedState: state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    claims = (tokens.claims() ?? {}) as Claims;
  } catch (error) {
    const [reason, message] = describeTokenError(error);
    throw new OidcRefusal(reason, message, errorText(error));
  }
  const user = await accountForClaims(db, { settings, claims, inviteTokenHash: login.inviteTokenHash, userAgent });
  const token = await createSession(db, user.id, userAgent);
  await recordAudit(db, {
    actor: user,
    action: "sso.signed_in",
    targetType: "user",
    targetId: user.id,
    details: { issuer: settings.issuer, subject: String(claims.sub) },
  });
  return { user, token, redirectTo: login.redirectTo };
}

export async function accountForClaims(
  db: Db,
  {
    settings,
    claims,
    inviteTokenHash,
    userAgent,
  }: { settings: OidcSettings; claims: Claims; inviteTokenHash: string | null; userAgent: string | null },
): Promise<SessionUser> {
  const subject = String(claims.sub ?? "");
  const email = typeof claims.email === "string" ? claims.email.trim().toLowerCase() : null;
  const verified = claims.email_verified === true;
  const name = (typeof claims.name === "string" && claims.name.trim()) || email || "New user";
  const role = mapRole(claims, settings);
  const team = await mapTeam(db, claims, settings);

  return db.transaction(async (tx) => {
    const [linked] = await tx
      .select({ id: users.id, email: users.email, name: users.name, role: users.role, teamId: users.teamId, active: users.active })
      .from(userIdentities)
      .innerJoin(users, eq(users.id, userIdentities.userId))
      .where(and(eq(userIdentities.issuer, settings.issuer), eq(userIdentities.subject, subject)));
    let account = linked;
    if (!account && email) {
      const [byEmail] = await tx
        .select({ id: users.id, email: users.email, name: users.name, role: users.role, teamId: users.teamId, active: users.active })
        .from(users)
        .where(eq(users.email, email));
      if (byEmail) {
        // NOTE: linking by an unverified address would let anyone who can set that address at the provider take the account.
        // The same words as for an address no account has: this one must not tell who has an account.
        if (!verified) throw unverifiedEmail(settings);
        await tx.insert(userIdentities).values({ issuer: settings.issuer, subject, userId: byEmail.id, email });
        await recordAudit(tx, {
          actor: { id: byEmail.id },
          action: "sso.linked",
          targetType: "user",
          targetId: byEmail.id,
          details: { issuer: settings.issuer, subject, email },
        });
        account = byEmail;
      }
    }
    if (!account && inviteTokenHash) {
      const accepted = await acceptInvitation(tx as unknown as Db, {
        tokenHash: inviteTokenHash,
        name,
        password: null,
        userAgent,
        via: "sso",
      }).catch(() => null);
      if (accepted) {
        await tx.insert(userIdentities).values({ issuer: settings.issuer, subject, userId: accepted.user.id, email });
        return accepted.user;
      }
    }
    if (!account) {
      if (!email || !verified) throw unverifiedEmail(settings);
      if (!role && settings.unmapped === "refuse") {
        throw new OidcRefusal(
          "unmapped",
          `Your ${settings.name} account has no Fieldkit role (claim "${settings.roleClaim}"). Ask your admin for access.`,
        );
      }
      const [created] = await tx
        .insert(users)
        .values({ email, name, role: role ?? "seller", teamId: role ? team.teamId : null, passwordHash: NO_PASSWORD })
        .returning({ id: users.id, email: users.email, name: users.name, role: users.role, teamId: users.teamId, active: users.active });
      await tx.insert(userIdentities).values({ issuer: settings.issuer, subject, userId: created.id, email });
      await withdrawInvitationsTo(tx as unknown as Db, email);
      await recordAudit(tx, {
        actor: null,
        action: "user.created",
        targetType: "user",
        targetId: created.id,
        details: { email, role: created.role, teamId: created.teamId, source: "sso", issuer: settings.issuer },
      });
      account = created;
    } else {
      if (!account.active) throw new OidcRefusal("deactivated", "Your Fieldkit account is deactivated. Ask your admin.");
      // The provider is the source of truth for role and team when it sends them; changes are audited as such.
      // Except for the last active admin (a break-glass account linked once): demoted, nobody could reach /admin.
      const keepAdmin =
        account.role === "admin" && !!role && role !== "admin" && !(await anotherActiveAdmin(tx as unknown as Db, account.id));
      const next = { role: keepAdmin ? account.role : (role ?? account.role), teamId: team.present ? team.teamId : account.teamId };
      for (const [field, action] of [
        ["role", "user.role_changed"],
        ["teamId", "user.team_changed"],
      ] as const) {
        if (next[field] !== account[field]) {
          await recordAudit(tx, {
            actor: null,
            action,
            targetType: "user",
            targetId: account.id,
            details: { from: account[field], to: next[field], source: "sso_claims", issuer: settings.issuer },
          });
        }
      }
      if (next.role !== account.role || next.teamId !== account.teamId) {
        await tx
          .update(users)
          .set({ ...next, updatedAt: new Date() })
          .where(eq(users.id, account.id));
        // As an admin's role change does: a manager no longer leads teams once they are something else.
        if (next.role !== "manager") await tx.delete(teamLeads).where(eq(teamLeads.userId, account.id));
        account = { ...account, ...next };
      }
    }
    await tx
      .update(userIdentities)
      .set({ lastSignInAt: new Date() })
      .where(and(eq(userIdentities.issuer, settings.issuer), eq(userIdentities.subject, subject)));
    return { id: account.id, email: account.email, name: account.name, role: account.role, teamId: account.teamId, leadsTeamIds: [] };
  });
}

export async function recordRefusal(db: Db, refusal: OidcRefusal, issuer: string) {
  console.warn(`SSO sign-in refused (${refusal.reason})${refusal.detail ? `: ${refusal.detail}` : ""}`);
  await recordAudit(db, {
    actor: null,
    action: "sso.refused",
    targetType: "user",
    targetId: null,
    details: { reason: refusal.reason, issuer, detail: refusal.detail?.slice(0, 500) ?? null },
  });
}
