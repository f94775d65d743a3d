// Which account an SSO sign-in lands in, from the verified claims: just-in-time creation with mapped
// role and team, linking by verified email only, the unmapped rule, and claim changes audited.
// (The protocol itself — signatures, audience, expiry, state, nonce — is tested in Chromium against a
// real provider in test/e2e/onboarding.test.ts.)
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, invitations, teamLeads, userIdentities, users } from "@/db/schema";
import { inviteUser } from "~/modules/people/invitations.server";
import { loadEnv } from "~/env.server";
import { OidcRefusal, accountForClaims, finishOidcLogin, mapRole } from "~/modules/auth/oidc.server";
import { verifyPassword } from "~/modules/auth/password.server";
import type { OidcSettings } from "~/env.server";
import { createTeam, createTestApp, createUser, type TestApp } from "../setup/app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const settings = (over: Partial<OidcSettings> = {}): OidcSettings => ({
  issuer: "https://id.example.test",
  clientId: "fk",
  clientSecret: "s",
  name: "Example ID",
  scopes: "openid email profile",
  roleClaim: "fieldkit_role",
  teamClaim: "fieldkit_team",
  roleMap: {},
  unmapped: "seller",
  allowHttp: false,
  ...over,
});
const claimsFor = (over: Record<string, unknown> = {}) => ({
  sub: randomUUID(),
  email: `sso-${randomUUID()}@example.test`,
  email_verified: true,
  name: "Sam Sso",
  ...over,
});
const signIn = (claims: Record<string, unknown>, s = settings()) =>
  accountForClaims(app.db, { settings: s, claims, inviteTokenHash: null, userAgent: null });

describe("mapping roles from claims", () => {
  it("takes a role name as is without a map, maps through OIDC_ROLE_MAP, and picks the most capable of several", () => {
    expect(mapRole({ fieldkit_role: "manager" }, settings())).toBe("manager");
    expect(mapRole({ fieldkit_role: "Sales" }, settings())).toBeNull();
    const mapped = settings({ roleClaim: "groups", roleMap: { Sales: "seller", "Fieldkit Admins": "admin", Marketing: "marketer" } });
    expect(mapRole({ groups: ["Sales", "Marketing", "Other"] }, mapped)).toBe("marketer");
    expect(mapRole({ groups: "Fieldkit Admins" }, mapped)).toBe("admin");
    expect(mapRole({ groups: ["manager"] }, mapped)).toBeNull();
  });

  it("maps only the map's own groups to roles: a group named after what every object has is no role", async () => {
    const mapped = settings({ roleClaim: "groups", roleMap: { Sales: "seller" } });
    for (const group of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(mapRole({ groups: [group] }, mapped)).toBeNull();
      expect(mapRole({ groups: [group, "Sales"] }, mapped)).toBe("seller");
    }
    expect(mapRole({ fieldkit_role: "constructor" }, settings())).toBeNull();
    // Such a person signs in as the unmapped rule says, with a real role, and again without an error.
    const claims = claimsFor({ groups: ["__proto__", "constructor"] });
    expect((await signIn(claims, mapped)).role).toBe("seller");
    expect((await signIn(claims, mapped)).role).toBe("seller");
    // And an OIDC_ROLE_MAP that names such a group maps it.
    const env = loadEnv({
      ...process.env,
      OIDC_ISSUER: "https://id.example.test",
      OIDC_CLIENT_ID: "fk",
      OIDC_CLIENT_SECRET: "s",
      OIDC_ROLE_MAP: "__proto__=marketer;Sales=seller",
    });
    expect(mapRole({ fieldkit_role: ["__proto__"] }, env.oidc!)).toBe("marketer");
  });
});

describe("accounts from SSO claims", () => {
  it("creates an account at the first sign-in with the mapped role and team and no usable password", async () => {
    const team = await createTeam(app);
    const claims = claimsFor({ fieldkit_role: "marketer", fieldkit_team: team.name });
    const user = await signIn(claims);
    expect(user).toMatchObject({ email: claims.email, role: "marketer", teamId: team.id });
    const [row] = await app.db.select().from(users).where(eq(users.id, user.id));
    expect(await verifyPassword("", row.passwordHash)).toBe(false);
    const again = await signIn(claims);
    expect(again.id).toBe(user.id);
  });

  it("makes someone with no mapped role a seller with no team, or refuses them when configured", async () => {
    const team = await createTeam(app);
    const user = await signIn(claimsFor({ fieldkit_role: "wizard", fieldkit_team: team.name }));
    expect(user).toMatchObject({ role: "seller", teamId: null });
    const refuse = settings({ unmapped: "refuse" });
    const claims = claimsFor();
    await expect(signIn(claims, refuse)).rejects.toMatchObject({ reason: "unmapped" });
    expect(
      await app.db
        .select()
        .from(users)
        .where(eq(users.email, claims.email as string)),
    ).toEqual([]);
  });

  it("links an existing account by verified email, and refuses to link an unverified one", async () => {
    const existing = await createUser(app, { role: "manager" });
    const unverified = claimsFor({ email: existing.email, email_verified: false });
    const refusal = await signIn(unverified).catch((e) => e);
    expect(refusal).toBeInstanceOf(OidcRefusal);
    expect(refusal.reason).toBe("email_unverified");
    // Word for word what an address without an account gets: the refusal does not tell who has one.
    const stranger = await signIn(claimsFor({ email_verified: false })).catch((e) => e);
    expect([stranger.reason, stranger.message]).toEqual([refusal.reason, refusal.message]);
    expect(refusal.message).not.toContain(existing.email);
    const linked = await signIn(claimsFor({ email: existing.email.toUpperCase() }));
    expect(linked.id).toBe(existing.id);
    expect(linked.role).toBe("manager");
    expect(await app.db.select().from(userIdentities).where(eq(userIdentities.userId, existing.id))).toHaveLength(1);
  });

  it("applies role and team changes from claims at the next sign-in and audits them as coming from claims", async () => {
    const [east, west] = [await createTeam(app), await createTeam(app)];
    const claims = claimsFor({ fieldkit_role: "seller", fieldkit_team: east.name });
    const user = await signIn(claims);
    const moved = await signIn({ ...claims, fieldkit_role: "manager", fieldkit_team: west.name });
    expect(moved).toMatchObject({ id: user.id, role: "manager", teamId: west.id });
    const entries = await app.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, user.id), sql`${auditLog.details}->>'source' = 'sso_claims'`));
    expect(entries.map((e) => e.action).sort()).toEqual(["user.role_changed", "user.team_changed"]);
    expect(entries.find((e) => e.action === "user.role_changed")!.details).toMatchObject({ from: "seller", to: "manager" });
  });

  it("accepts an invitation with SSO: the invited role and team, the invitation used up", async () => {
    const team = await createTeam(app);
    const admin = await createUser(app, { role: "admin" });
    const actor = { id: admin.id, email: admin.email, name: admin.name, role: admin.role, teamId: null, leadsTeamIds: [] };
    const email = `invited-${randomUUID()}@example.test`;
    const invite = await inviteUser(app.db, {
      actor,
      input: { email, role: "manager", teamId: team.id },
      settings: { publicUrl: "http://f.test", ssoName: "Example ID" },
    });
    const [row] = await app.db.select({ tokenHash: invitations.tokenHash }).from(invitations).where(eq(invitations.id, invite.id));
    // The provider's claims name no role: the invitation decides.
    const claims = claimsFor({ email });
    const user = await accountForClaims(app.db, {
      settings: settings({ unmapped: "refuse" }),
      claims,
      inviteTokenHash: row.tokenHash,
      userAgent: null,
    });
    expect(user).toMatchObject({ email, role: "manager", teamId: team.id });
    const [used] = await app.db.select().from(invitations).where(eq(invitations.id, invite.id));
    expect(used.acceptedAt).not.toBeNull();
    expect(await app.db.select().from(userIdentities).where(eq(userIdentities.userId, user.id))).toHaveLength(1);
  });

  it("withdraws a pending invitation when the invitee's first SSO sign-in makes the account without it", async () => {
    const admin = await createUser(app, { role: "admin" });
    const actor = { id: admin.id, email: admin.email, name: admin.name, role: admin.role, teamId: null, leadsTeamIds: [] };
    const email = `invited-${randomUUID()}@example.test`;
    const invite = await inviteUser(app.db, {
      actor,
      input: { email, role: "manager" },
      settings: { publicUrl: "http://f.test", ssoName: "Example ID" },
    });
    await signIn(claimsFor({ email, fieldkit_role: "seller" }));
    const [row] = await app.db.select().from(invitations).where(eq(invitations.id, invite.id));
    expect(row.withdrawnAt).toBeInstanceOf(Date);
  });

  it("refuses a deactivated account", async () => {
    const claims = claimsFor();
    const user = await signIn(claims);
    await app.db.update(users).set({ active: false }).where(eq(users.id, user.id));
    await expect(signIn(claims)).rejects.toMatchObject({ reason: "deactivated" });
  });
});

describe("the callback", () => {
  it("shows a provider's error only for the sign-in this browser started, never words from any link", async () => {
    const url = new URL("http://fieldkit.test/auth/oidc/callback?error=access_denied&error_description=Call+555-0100+to+unlock");
    const finish = (cookieState: string | null, state?: string) => {
      const at = new URL(url);
      if (state) at.searchParams.set("state", state);
      return finishOidcLogin(app.db, { settings: settings(), currentUrl: at, cookieState, userAgent: null }).then(
        () => null,
        (e: unknown) => e,
      );
    };
    for (const refused of [await finish(null), await finish("abc", "xyz"), await finish(null, "abc")]) {
      expect(refused).toBeInstanceOf(OidcRefusal);
      expect(refused).toMatchObject({ reason: "state_mismatch" });
      expect((refused as Error).message).not.toMatch(/555/);
    }
    const theirs = await finish("abc", "abc");
    expect(theirs).toMatchObject({ reason: "provider_error" });
    expect((theirs as Error).message).toMatch(/did not sign you in: Call 555-0100 to unlock\.$/);
  });
});

describe("the last admin", () => {
  it("keeps a last active admin an admin when the provider's claims say otherwise, and drops a demoted manager's leads", async () => {
    await app.db.update(users).set({ active: false }).where(eq(users.role, "admin"));
    const claims = claimsFor({ fieldkit_role: "admin" });
    const admin = await signIn(claims);
    expect(admin.role).toBe("admin");
    // The directory moves them to Sales: nobody else could reach /admin, so the role stays.
    expect((await signIn({ ...claims, fieldkit_role: "seller" })).role).toBe("admin");
    const other = await createUser(app, { role: "admin" });
    expect((await signIn({ ...claims, fieldkit_role: "seller" })).role).toBe("seller");
    expect(other.role).toBe("admin");

    const team = await createTeam(app);
    const lead = claimsFor({ fieldkit_role: "manager" });
    const manager = await signIn(lead);
    await app.db.insert(teamLeads).values({ userId: manager.id, teamId: team.id });
    await signIn({ ...lead, fieldkit_role: "seller" });
    expect(await app.db.select().from(teamLeads).where(eq(teamLeads.userId, manager.id))).toEqual([]);
  });
});
