// Password reset by mail (single-use, short-lived, rate limited, the same answer for any address,
// every session revoked), change password on Me, and SSO-only mode's break-glass rule.
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobRunner, type JobRunner } from "@/content/jobs";
import { auditLog, mailMessages, passwordResets, pushSubscriptions, sessions } from "@/db/schema";
import { createApiToken } from "~/modules/auth/api-tokens.server";
import { RESETS_PER_CLIENT, RESETS_PER_EMAIL } from "~/modules/auth/password-reset.server";
import { createMailTransport, mailJobHandlers, type MailTransport } from "~/modules/mail/mail.server";
import { action as resetRequestApi } from "~/routes/api.v1.password-resets";
import { action as resetApi } from "~/routes/api.v1.password-resets.$token";
import { action as sessionApi } from "~/routes/api.v1.session";
import { loader as meApi } from "~/routes/api.v1.me";
import { action as meAction } from "~/routes/_app.me";
import { action as forgotAction } from "~/routes/forgot-password";
import { action as resetPageAction, loader as resetPageLoader } from "~/routes/reset-password.$token";
import { TEST_PASSWORD, cookieFor, createTestApp, createUser, request, respond, routeArgs, testEnv, type TestApp } from "../setup/app";
import { linkIn, startSmtp, type TestSmtp } from "../setup/smtp";

let app: TestApp;
let smtp: TestSmtp;
let transport: MailTransport;
let runner: JobRunner;
beforeAll(async () => {
  app = await createTestApp();
  smtp = await startSmtp();
  transport = createMailTransport({ smtpUrl: smtp.url, from: "Fieldkit <noreply@fieldkit.test>" });
  runner = createJobRunner({ db: app.db, handlers: mailJobHandlers(app.db, transport), log: () => {} });
});
afterAll(async () => {
  transport?.close();
  await smtp?.close();
  await app?.close();
});

/** Each test asks from its own client address, so the per-client limit of one test does not leak into another. */
const asClient = (address: string = randomUUID()) => ({ ...app, clientAddress: address });
const askReset = (email: string, ctx = asClient()) =>
  resetRequestApi(routeArgs(ctx, request("/api/v1/password-resets", { method: "POST", json: { email } })) as never) as Promise<Response>;
const me = (cookie: string) => meApi(routeArgs(app, request("/api/v1/me", { cookie })) as never) as Promise<Response>;
const signIn = (email: string, password: string, ctx: TestApp = app) =>
  sessionApi(routeArgs(ctx, request("/api/v1/session", { method: "POST", json: { email, password } })) as never) as Promise<Response>;

async function resetToken(email: string): Promise<string> {
  await runner.runUntilIdle();
  const mail = await smtp.waitFor(email, /Reset your Fieldkit password/);
  return new URL(linkIn(mail, "/reset-password/")).pathname.split("/").pop()!;
}

describe("asking for a reset", () => {
  it("answers 202 with the same body for a known and an unknown address, and mails only the known one", async () => {
    const user = await createUser(app, { role: "seller" });
    const unknown = `nobody-${randomUUID()}@example.test`;
    const known = await askReset(user.email);
    const other = await askReset(unknown);
    expect(known.status).toBe(202);
    expect(other.status).toBe(202);
    expect(await known.text()).toBe(await other.text());
    await resetToken(user.email);
    const toUnknown = await app.db.select().from(mailMessages).where(eq(mailMessages.to, unknown));
    expect(toUnknown).toEqual([]);
    // An address no one can have says so, not "Enter your email address".
    const long = await askReset(`${"x".repeat(300)}@example.test`);
    expect([long.status, ((await long.json()) as { error: { message: string } }).error.message]).toEqual([
      400,
      "email: That email address is too long.",
    ]);
  });

  it("limits requests per address, alike for known and unknown addresses", async () => {
    const user = await createUser(app, { role: "seller" });
    const unknown = `nobody-${randomUUID()}@example.test`;
    const answers: string[] = [];
    for (const email of [user.email, unknown]) {
      for (let i = 0; i < RESETS_PER_EMAIL; i++) expect((await askReset(email)).status).toBe(202);
      const limited = await askReset(email);
      answers.push(`${limited.status} ${await limited.text()}`);
    }
    expect(answers[0]).toMatch(/^429 /);
    expect(answers[1]).toBe(answers[0]);
  });

  it("sends no more than the limit when many requests for one address arrive at once", async () => {
    const user = await createUser(app, { role: "seller" });
    const answers = await Promise.all(Array.from({ length: 30 }, () => askReset(user.email)));
    expect(answers.filter((r) => r.status === 202).length).toBe(RESETS_PER_EMAIL);
    // One link (and its mail) per request let through.
    expect(await app.db.select().from(passwordResets).where(eq(passwordResets.userId, user.id))).toHaveLength(RESETS_PER_EMAIL);
  });

  it("limits requests per client address across many addresses", async () => {
    const ctx = asClient("203.0.113.7");
    for (let i = 0; i < RESETS_PER_CLIENT; i++) expect((await askReset(`probe-${i}-${randomUUID()}@example.test`, ctx)).status).toBe(202);
    expect((await askReset(`probe-last-${randomUUID()}@example.test`, ctx)).status).toBe(429);
    expect((await askReset(`probe-elsewhere-${randomUUID()}@example.test`)).status).toBe(202);
  });
});

describe("using the link", () => {
  it("sets the new password, revokes every session and API token, and works only once", async () => {
    const user = await createUser(app, { role: "marketer" });
    const phone = await cookieFor(app, user.id);
    const laptop = await cookieFor(app, user.id);
    const { token: apiToken } = await createApiToken(app.db, { user: { ...user, leadsTeamIds: [] }, input: { name: "CRM sync" } });
    const byToken = () =>
      meApi(routeArgs(app, request("/api/v1/me", { headers: { Authorization: `Bearer ${apiToken}` } })) as never) as Promise<Response>;
    expect((await me(phone)).status).toBe(200);
    expect((await byToken()).status).toBe(200);
    await app.db
      .insert(pushSubscriptions)
      .values({ userId: user.id, endpoint: `https://push.example.test/${user.id}`, p256dh: "k", auth: "a" });
    await askReset(user.email);
    const token = await resetToken(user.email);
    const res = (await resetApi(
      routeArgs(app, request(`/api/v1/password-resets/${token}`, { method: "POST", json: { password: "brand new password" } }), {
        token,
      }) as never,
    )) as Response;
    expect(res.status).toBe(200);
    expect((await me(phone)).status).toBe(401);
    expect((await me(laptop)).status).toBe(401);
    expect((await byToken()).status).toBe(401);
    expect(await app.db.select().from(sessions).where(eq(sessions.userId, user.id))).toEqual([]);
    expect(await app.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, user.id))).toEqual([]);
    expect((await signIn(user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await signIn(user.email, "brand new password")).status).toBe(200);
    const again = (await resetApi(
      routeArgs(app, request(`/api/v1/password-resets/${token}`, { method: "POST", json: { password: "another new password" } }), {
        token,
      }) as never,
    )) as Response;
    expect(again.status).toBe(404);
    const audit = await app.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.targetId} = ${user.id} and ${auditLog.action} = 'user.password_reset'`);
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ sessionsRevoked: true, apiTokensRevoked: 1 });
    await runner.runUntilIdle();
    const mail = await smtp.waitFor(user.email, /password was changed/);
    expect(mail.text).toContain("Your API token was revoked too");
  });

  it("refuses an expired link with the same page as an unknown one", async () => {
    const user = await createUser(app, { role: "seller" });
    await askReset(user.email);
    const token = await resetToken(user.email);
    await app.db
      .update(passwordResets)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordResets.userId, user.id));
    const expired = (await resetPageLoader(routeArgs(app, request(`/reset-password/${token}`), { token }) as never)) as {
      init: { status: number };
      data: unknown;
    };
    const unknown = (await resetPageLoader(routeArgs(app, request("/reset-password/nope"), { token: "nope" }) as never)) as {
      init: { status: number };
      data: unknown;
    };
    expect(expired.init.status).toBe(404);
    expect(expired.data).toEqual(unknown.data);
    const post = (await resetPageAction(
      routeArgs(app, request(`/reset-password/${token}`, { form: { password: "brand new password" } }), { token }) as never,
    )) as {
      init: { status: number };
    };
    expect(post.init.status).toBe(404);
  });

  it("works end to end through the pages, sending the browser to sign in", async () => {
    const user = await createUser(app, { role: "marketer" });
    const answer = (await forgotAction(routeArgs(asClient(), request("/forgot-password", { form: { email: user.email } })) as never)) as {
      sent: string;
    };
    expect(answer.sent).toContain("If that address has a Fieldkit account");
    const token = await resetToken(user.email);
    expect(await resetPageLoader(routeArgs(app, request(`/reset-password/${token}`), { token }) as never)).toEqual({ valid: true });
    const res = (await respond(() =>
      resetPageAction(routeArgs(app, request(`/reset-password/${token}`, { form: { password: "page new password" } }), { token }) as never),
    )) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?reset=done");
    expect((await signIn(user.email, "page new password")).status).toBe(200);
  });
});

describe("changing the password on Me", () => {
  const change = (cookie: string, form: Record<string, string>) =>
    meAction(routeArgs(app, request("/me", { cookie, form: { intent: "change-password", ...form } })) as never) as Promise<unknown>;

  it("needs the current password", async () => {
    const user = await createUser(app, { role: "seller" });
    const cookie = await cookieFor(app, user.id);
    const wrong = (await change(cookie, { current: "not my password", password: "a new password here" })) as {
      init: { status: number };
      data: { formError: string };
    };
    expect(wrong.init.status).toBe(422);
    expect(wrong.data.formError).toContain("current password");
    expect((await signIn(user.email, TEST_PASSWORD)).status).toBe(200);
  });

  it("changes it, keeps this session and signs out the others", async () => {
    const user = await createUser(app, { role: "seller" });
    const here = await cookieFor(app, user.id);
    const elsewhere = await cookieFor(app, user.id);
    const result = (await change(here, { current: TEST_PASSWORD, password: "a new password here" })) as { passwordChanged: boolean };
    expect(result.passwordChanged).toBe(true);
    expect((await me(here)).status).toBe(200);
    expect((await me(elsewhere)).status).toBe(401);
    expect((await signIn(user.email, "a new password here")).status).toBe(200);
  });
});

describe("SSO-only mode", () => {
  it("turns passwords off for everyone but admins, and mails resets only to admins", async () => {
    const env = testEnv({
      OIDC_ISSUER: "https://login.example.test",
      OIDC_CLIENT_ID: "fieldkit",
      OIDC_CLIENT_SECRET: "s3cret-s3cret",
      SSO_ONLY: "true",
    });
    const ctx = { ...app, env, clientAddress: randomUUID() };
    const seller = await createUser(app, { role: "seller" });
    const admin = await createUser(app, { role: "admin" });
    const refused = await signIn(seller.email, TEST_PASSWORD, ctx);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("single sign-on");
    expect((await signIn(seller.email, "wrong password!", ctx)).status).toBe(401);
    expect((await signIn(admin.email, TEST_PASSWORD, ctx)).status).toBe(200);
    expect((await askReset(seller.email, ctx)).status).toBe(202);
    expect((await askReset(admin.email, ctx)).status).toBe(202);
    const rows = await app.db
      .select({ to: mailMessages.to })
      .from(mailMessages)
      .where(sql`${mailMessages.to} in (${seller.email}, ${admin.email})`);
    expect(rows.map((r) => r.to)).toEqual([admin.email]);
  });
});
