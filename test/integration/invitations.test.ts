// Invitations: admin invites (one or by CSV), the mail reaches a real SMTP server, the link is single-use
// and expires, and every unusable link gets the same answer.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobRunner, type JobRunner } from "@/content/jobs";
import { auditLog, invitations, users } from "@/db/schema";
import { INVALID_INVITE_MESSAGE } from "@/vocabulary/accounts";
import { createMailTransport, mailJobHandlers, type MailTransport } from "~/modules/mail/mail.server";
import { action as inviteApi, loader as invitationsApi } from "~/routes/api.v1.invitations";
import { action as acceptApi } from "~/routes/api.v1.invitations.$token.accept";
import { loader as meApi } from "~/routes/api.v1.me";
import { action as usersApi } from "~/routes/api.v1.users.$id";
import { action as adminUsersApi } from "~/routes/api.v1.users";
import { action as adminAction, loader as adminLoader } from "~/routes/_app.admin.invitations";
import { UNDO_WITHDRAW_MINUTES, restoreInvitation } from "~/modules/people/invitations.server";
import { action as acceptPage, loader as invitePage } from "~/routes/invite.$token";
import { cookieFor, createTeam, createTestApp, createUser, request, respond, routeArgs, statusOf, type TestApp } from "../setup/app";
import { linkIn, startSmtp, type TestSmtp } from "../setup/smtp";

let app: TestApp;
let smtp: TestSmtp;
let transport: MailTransport;
let runner: JobRunner;
let adminCookie: string;
let adminUser: Awaited<ReturnType<typeof createUser>>;
beforeAll(async () => {
  app = await createTestApp();
  smtp = await startSmtp();
  transport = createMailTransport({ smtpUrl: smtp.url, from: "Fieldkit <noreply@fieldkit.test>" });
  runner = createJobRunner({ db: app.db, handlers: mailJobHandlers(app.db, transport), log: () => {} });
  const admin = await createUser(app, { role: "admin" });
  adminUser = admin;
  adminCookie = await cookieFor(app, admin.id);
});
afterAll(async () => {
  transport?.close();
  await smtp?.close();
  await app?.close();
});

let n = 0;
const address = () => `invitee-${Date.now()}-${++n}@example.test`;

async function invite(json: unknown, cookie = adminCookie) {
  return (await inviteApi(routeArgs(app, request("/api/v1/invitations", { method: "POST", cookie, json })) as never)) as Response;
}
async function inviteLink(email: string, subject = /invited/): Promise<string> {
  await runner.runUntilIdle();
  const mails = smtp.received.filter((m) => m.to.includes(email) && subject.test(m.subject));
  if (!mails.length) await smtp.waitFor(email, subject);
  const latest = smtp.received.filter((m) => m.to.includes(email)).at(-1)!;
  return linkIn(latest, "/invite/");
}
const tokenOf = (link: string) => new URL(link).pathname.split("/").pop()!;
async function accept(token: string, json: unknown = { name: "New Person", password: "a long enough password" }) {
  return (await acceptApi(
    routeArgs(app, request(`/api/v1/invitations/${token}/accept`, { method: "POST", json }), { token }) as never,
  )) as Response;
}

describe("inviting over the API", () => {
  it("mails a link that creates the account with the invited role and team and signs it in", async () => {
    const team = await createTeam(app);
    const email = address();
    const res = await invite({ email, role: "manager", teamId: team.id });
    expect(res.status).toBe(201);
    const link = await inviteLink(email);
    expect(link.startsWith(app.env.PUBLIC_URL)).toBe(true);
    const accepted = await accept(tokenOf(link), { name: "Mina Manager", password: "a long enough password" });
    expect(accepted.status).toBe(201);
    expect(await accepted.json()).toMatchObject({ user: { email, name: "Mina Manager", role: "manager", teamId: team.id } });
    const cookie = accepted.headers.get("Set-Cookie")!.split(";")[0];
    const me = (await meApi(routeArgs(app, request("/api/v1/me", { cookie })) as never)) as Response;
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { email, role: "manager", teamId: team.id } });
    const actions = (
      await app.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(sql`${auditLog.details}->>'email' = ${email}`)
    ).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["invitation.created", "invitation.accepted"]));
  });

  it("answers every unusable link the same way: unknown, used, expired, withdrawn, replaced", async () => {
    const answers: string[] = [];
    const record = async (res: Response) => answers.push(`${res.status} ${JSON.stringify(await res.json())}`);

    await record(await accept("no-such-token-at-all-0123456789"));

    const used = address();
    await invite({ email: used, role: "seller" });
    const usedToken = tokenOf(await inviteLink(used));
    expect((await accept(usedToken)).status).toBe(201);
    await record(await accept(usedToken));

    const expired = address();
    await invite({ email: expired, role: "seller" });
    const expiredToken = tokenOf(await inviteLink(expired));
    await app.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.email, expired));
    await record(await accept(expiredToken));

    const withdrawn = address();
    const created = (await (await invite({ email: withdrawn, role: "seller" })).json()) as { invitation: { id: string } };
    const withdrawnToken = tokenOf(await inviteLink(withdrawn));
    const form = { intent: "withdraw", id: created.invitation.id };
    await adminAction(routeArgs(app, request("/admin/invitations", { cookie: adminCookie, form })) as never);
    await record(await accept(withdrawnToken));

    const resent = address();
    const again = (await (await invite({ email: resent, role: "seller" })).json()) as { invitation: { id: string } };
    const oldToken = tokenOf(await inviteLink(resent));
    await adminAction(
      routeArgs(app, request("/admin/invitations", { cookie: adminCookie, form: { intent: "resend", id: again.invitation.id } })) as never,
    );
    await runner.runUntilIdle();
    const newToken = tokenOf(await inviteLink(resent));
    expect(newToken).not.toBe(oldToken);
    await record(await accept(oldToken));
    expect((await accept(newToken)).status).toBe(201);

    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toBe(`404 ${JSON.stringify({ error: { code: "not_found", message: INVALID_INVITE_MESSAGE } })}`);
  });

  it("refuses an address that already has an account, and callers who are not admins", async () => {
    const existing = await createUser(app, { role: "seller" });
    expect((await invite({ email: existing.email, role: "seller" })).status).toBe(409);
    // An address no one can have says so, not "Enter an email address".
    const long = await invite({ email: `${"x".repeat(300)}@example.test`, role: "seller" });
    expect([long.status, ((await long.json()) as any).error.message]).toEqual([400, "email: That email address is too long."]);
    const seller = await createUser(app, { role: "seller" });
    expect((await invite({ email: address(), role: "seller" }, await cookieFor(app, seller.id))).status).toBe(403);
    const list = (await invitationsApi(
      routeArgs(app, request("/api/v1/invitations", { cookie: await cookieFor(app, seller.id) })) as never,
    )) as Response;
    expect(list.status).toBe(403);
  });

  it("withdraws an admin's pending invitations when they are deactivated or lose the admin role", async () => {
    for (const change of [{ active: false }, { role: "marketer" }]) {
      const leaving = await createUser(app, { role: "admin" });
      const email = address();
      expect((await invite({ email, role: "admin" }, await cookieFor(app, leaving.id))).status).toBe(201);
      const token = tokenOf(await inviteLink(email));
      const res = (await usersApi(
        routeArgs(app, request(`/api/v1/users/${leaving.id}`, { method: "PATCH", cookie: adminCookie, json: change }), {
          id: leaving.id,
        }) as never,
      )) as Response;
      expect(res.status, JSON.stringify(change)).toBe(200);
      expect((await accept(token)).status, JSON.stringify(change)).toBe(404);
      const [row] = await app.db.select().from(users).where(eq(users.email, email));
      expect(row).toBeUndefined();
    }
  });

  it("withdraws pending invitations once an admin makes an account for the address, and refuses to resend one", async () => {
    const email = address();
    const created = (await (await invite({ email, role: "seller" })).json()) as { invitation: { id: string } };
    const token = tokenOf(await inviteLink(email));
    const made = await adminUsersApi(
      routeArgs(
        app,
        request("/api/v1/users", {
          method: "POST",
          cookie: adminCookie,
          json: { email, name: "Made", role: "seller", password: "a long enough password" },
        }),
      ) as never,
    );
    expect((made as Response).status).toBe(201);
    const [row] = await app.db.select().from(invitations).where(eq(invitations.id, created.invitation.id));
    expect(row.withdrawnAt).toBeInstanceOf(Date);
    expect((await accept(token)).status).toBe(404);
    // Put back by Undo meanwhile, the link would still be dead: Resend says why rather than mailing it.
    await app.db.update(invitations).set({ withdrawnAt: null }).where(eq(invitations.id, created.invitation.id));
    const resend = (await adminAction(
      routeArgs(
        app,
        request("/admin/invitations", { cookie: adminCookie, form: { intent: "resend", id: created.invitation.id } }),
      ) as never,
    )) as any;
    expect(JSON.stringify(resend)).toContain(`There is already an account for ${email}`);
  });

  it("rejects a weak password without using up the link", async () => {
    const email = address();
    await invite({ email, role: "seller" });
    const token = tokenOf(await inviteLink(email));
    const weak = await accept(token, { name: "Pat", password: "short" });
    expect(weak.status).toBe(400);
    expect((await accept(token, { name: "Pat", password: "long enough now" })).status).toBe(201);
  });
});

describe("single sign-on only", () => {
  it("accepts a seller's invitation only through SSO, keeping the link usable, and an admin's with a password", async () => {
    const ssoOnly = { ...app, env: { ...app.env, ssoOnly: true, oidc: { ...app.env.oidc!, name: "Example ID" } } } as TestApp;
    const acceptIn = (ctx: TestApp, token: string) =>
      acceptApi(
        routeArgs(
          ctx,
          request(`/api/v1/invitations/${token}/accept`, { method: "POST", json: { name: "Pat", password: "long enough now" } }),
          {
            token,
          },
        ) as never,
      ) as Promise<Response>;
    const seller = address();
    await invite({ email: seller, role: "seller" });
    const token = tokenOf(await inviteLink(seller));
    const refused = await acceptIn(ssoOnly, token);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.message).toMatch(/single sign-on/);
    const page = await invitePage(routeArgs(ssoOnly, request(`/invite/${token}`), { token }) as never);
    expect(page).toMatchObject({ passwords: false, sso: "Example ID" });
    // Nothing was used up: the same link still works (here, with passwords on again).
    expect((await acceptIn(app, token)).status).toBe(201);

    const admin = address();
    await invite({ email: admin, role: "admin" });
    expect((await acceptIn(ssoOnly, tokenOf(await inviteLink(admin)))).status).toBe(201);
  });
});

describe("the admin screen and the accept page", () => {
  it("invites a list from CSV, reporting bad lines and sending the rest", async () => {
    const team = await createTeam(app, `CSV team ${Date.now()}`);
    const good = address();
    const csv = [
      "email,role,team",
      `${good},marketer,${team.name}`,
      `not-an-email,seller,`,
      `${address()},seller,No Such Team`,
      `${address()},wizard,`,
    ].join("\n");
    const result = (await adminAction(
      routeArgs(app, request("/admin/invitations", { cookie: adminCookie, form: { intent: "invite-csv", csv } })) as never,
    )) as {
      ok: string;
      failed: { line: number; error: string }[];
    };
    expect(result.ok).toBe("1 invitation sent.");
    expect(result.failed.map((f) => f.line)).toEqual([3, 4, 5]);
    expect(result.failed[1].error).toContain("No team called");
    await inviteLink(good);
    const pending = (await adminLoader(routeArgs(app, request("/admin/invitations", { cookie: adminCookie })) as never)) as Awaited<
      ReturnType<typeof adminLoader>
    >;
    expect(pending.pending.rows.find((p) => p.email === good)).toMatchObject({ role: "marketer", teamName: team.name });
  });

  it("finds pending invitations by part of the address and by whether the link still works, 50 a page", async () => {
    const marker = `bulk${Date.now()}`;
    const day = 86_400_000;
    await app.db.insert(invitations).values(
      Array.from({ length: 120 }, (_, i) => ({
        email: `p${String(i).padStart(3, "0")}@${marker}.test`,
        role: "seller" as const,
        tokenHash: `${marker}-${i}`,
        // Created a minute apart, newest last; every fourth link has run out.
        createdAt: new Date(Date.now() - (200 - i) * 60_000),
        expiresAt: new Date(Date.now() + (i % 4 === 0 ? -day : day)),
      })),
    );
    type Page = Awaited<ReturnType<typeof adminLoader>>;
    const load = async (query: string) =>
      ((await adminLoader(routeArgs(app, request(`/admin/invitations?${query}`, { cookie: adminCookie })) as never)) as Page).pending;
    const first = await load(`q=${marker}`);
    expect(first).toMatchObject({ total: 120, pages: 3, page: 1 });
    const all = [first, await load(`q=${marker}&page=2`), await load(`q=${marker}&page=3`)].flatMap((p) => p.rows.map((r) => r.email));
    expect(all).toEqual(Array.from({ length: 120 }, (_, i) => `p${String(119 - i).padStart(3, "0")}@${marker}.test`));
    const expired = await load(`q=${marker}&state=expired`);
    expect(expired.total).toBe(30);
    expect(expired.rows.every((r) => r.expired)).toBe(true);
    expect((await load(`q=${marker}&state=waiting`)).total).toBe(90);
    expect((await load(`q=P042@${marker.toUpperCase()}`)).rows.map((r) => r.email)).toEqual([`p042@${marker}.test`]);
    // Nonsense in the address drops that filter.
    expect((await load(`q=${marker}&state=lost&page=zero`)).total).toBe(120);

    // The API answers the same list a page at a time, with how many there are, so a script sees them all.
    const api = async (query: string) =>
      (await (
        (await invitationsApi(routeArgs(app, request(`/api/v1/invitations?${query}`, { cookie: adminCookie })) as never)) as Response
      ).json()) as {
        invitations: { email: string }[];
        total: number;
        page: number;
        pages: number;
      };
    const whole = await api(`q=${marker}`);
    expect(whole).toMatchObject({ total: 120, page: 1, pages: 1 });
    expect(whole.invitations.map((i) => i.email)).toEqual(all);
    const pages = [await api(`q=${marker}&limit=50`), await api(`q=${marker}&limit=50&page=2`), await api(`q=${marker}&limit=50&page=3`)];
    expect(pages.map((p) => [p.page, p.pages, p.invitations.length])).toEqual([
      [1, 3, 50],
      [2, 3, 50],
      [3, 3, 20],
    ]);
    expect(pages.flatMap((p) => p.invitations.map((i) => i.email))).toEqual(all);
    expect((await api(`q=${marker}&state=expired&limit=500`)).total).toBe(30);
    // A limit past the most, or a page that is no number, is the script's mistake, said as such.
    for (const bad of ["limit=1000", "page=zero"]) {
      const res = (await invitationsApi(
        routeArgs(app, request(`/api/v1/invitations?${bad}`, { cookie: adminCookie })) as never,
      )) as Response;
      expect([bad, res.status]).toEqual([bad, 400]);
    }
  });

  it("shows the accept page for a live link, creates the account from the form and lands on the role's home", async () => {
    const email = address();
    await invite({ email, role: "marketer" });
    const token = tokenOf(await inviteLink(email));
    const page = (await invitePage(routeArgs(app, request(`/invite/${token}`), { token }) as never)) as {
      invite: { email: string; role: string };
    };
    expect(page.invite).toMatchObject({ email, role: "marketer" });
    const res = (await respond(() =>
      acceptPage(routeArgs(app, request(`/invite/${token}`, { form: { name: "Mo", password: "long enough now" } }), { token }) as never),
    )) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/library");
    expect(res.headers.get("Set-Cookie")).toMatch(/^fk_session=/);
    const [user] = await app.db.select().from(users).where(eq(users.email, email));
    expect(user.role).toBe("marketer");
    const gone = (await invitePage(routeArgs(app, request(`/invite/${token}`), { token }) as never)) as {
      init: { status: number };
      data: { invite: null };
    };
    expect(gone.init.status).toBe(404);
    expect(gone.data.invite).toBeNull();
  });

  it("takes a withdrawal back on Undo, the link already sent working again; not after the window, an account or a newer invitation", async () => {
    const post = async (form: Record<string, string>) => {
      const result = await adminAction(routeArgs(app, request("/admin/invitations", { cookie: adminCookie, form })) as never);
      const body = (result as { data?: unknown }).data ?? result;
      return { status: statusOf(result), body: body as { ok?: string; undo?: string; formError?: string } };
    };
    const email = address();
    const created = (await (await invite({ email, role: "seller" })).json()) as { invitation: { id: string } };
    const token = tokenOf(await inviteLink(email));
    const withdrawn = await post({ intent: "withdraw", id: created.invitation.id });
    expect(withdrawn.body).toMatchObject({ ok: `Withdrew the invitation for ${email}.`, undo: created.invitation.id });
    const page = await invitePage(routeArgs(app, request(`/invite/${token}`), { token }) as never);
    expect(statusOf(page)).toBe(404);

    const undone = await post({ intent: "restore", id: created.invitation.id });
    expect(undone.status).toBe(200);
    expect(undone.body.ok).toMatch(/pending again/);
    expect(statusOf(await invitePage(routeArgs(app, request(`/invite/${token}`), { token }) as never))).toBe(200);
    const audit = await app.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(sql`${auditLog.details}->>'email' = ${email}`);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["invitation.withdrawn", "invitation.restored"]));

    // Too late: the window has passed.
    await post({ intent: "withdraw", id: created.invitation.id });
    const later = new Date(Date.now() + (UNDO_WITHDRAW_MINUTES + 1) * 60_000);
    await expect(
      restoreInvitation(app.db, { actor: { ...adminUser, leadsTeamIds: [] }, id: created.invitation.id, now: later }),
    ).rejects.toThrow(/more than 10 minutes/);

    // A newer invitation to the same address is pending: it stays, the old one stays withdrawn.
    const newer = (await (await invite({ email, role: "manager" })).json()) as { invitation: { id: string } };
    const refused = await post({ intent: "restore", id: created.invitation.id });
    expect(refused.status).toBe(409);
    expect(refused.body.formError).toMatch(/newer invitation/);

    // The address has an account now (the newer link was used).
    const newerToken = tokenOf(await inviteLink(email));
    expect((await accept(newerToken)).status).toBe(201);
    const [first] = await app.db.select().from(invitations).where(eq(invitations.id, newer.invitation.id));
    expect(first.acceptedAt).not.toBeNull();
    const taken = await post({ intent: "restore", id: created.invitation.id });
    expect(taken.status).toBe(409);
    expect(taken.body.formError).toMatch(/has an account now/);

    // Nobody but an admin, and nothing but an invitation's id.
    const seller = await createUser(app, { role: "seller" });
    await expect(restoreInvitation(app.db, { actor: { ...seller, leadsTeamIds: [] }, id: created.invitation.id })).rejects.toThrow();
    expect(statusOf(await post({ intent: "restore", id: "not-an-id" }).catch((r: Response) => r))).toBe(404);
  });
});
