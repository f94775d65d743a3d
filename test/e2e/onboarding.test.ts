// Onboarding journeys in Chromium against an app process of their own, configured with a real SMTP
// server (smtp-server) and a real OpenID provider (oidc-provider), both run by this test.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { teams } from "@/db/schema";
import { INVALID_INVITE_MESSAGE, INVALID_RESET_MESSAGE } from "@/vocabulary/accounts";
import { TEST_PASSWORD, createUser } from "../setup/app";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch, type BrowserContext, type Page } from "../setup/browser";
import { prepareFaultApp, type FaultApp } from "../setup/fault-app";
import { startOidcProvider, type Tamper, type TestOidc } from "../setup/oidc";
import { freePort, type AppServer } from "../setup/server-process";
import { linkIn, startSmtp, type TestSmtp } from "../setup/smtp";

let smtp: TestSmtp;
let oidc: TestOidc;
let fixture: FaultApp;
let server: AppServer;
let browser: Awaited<ReturnType<typeof launch>>;
let context: BrowserContext;
let base = "";
const people = { admin: "", linked: "" };
let teamId = "";

describeBrowser("onboarding: invitations, password reset and single sign-on", () => {
  beforeAll(async () => {
    smtp = await startSmtp();
    fixture = await prepareFaultApp();
    const handle = await fixture.open();
    try {
      const ctx = { env: {} as never, db: handle.db, dbHandle: handle, services: {} };
      const [team] = await handle.db.select({ id: teams.id }).from(teams).where(eq(teams.name, "Fault team"));
      teamId = team.id;
      people.admin = (await createUser(ctx, { role: "admin", email: "admin@onboarding.test" })).email;
      people.linked = (await createUser(ctx, { role: "seller", email: "linked@onboarding.test" })).email;
    } finally {
      await handle.close();
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    oidc = await startOidcProvider({ redirectUri: `${base}/auth/oidc/callback` });
    server = await fixture.start({
      NODE_ENV: "test",
      PORT: String(port),
      PUBLIC_URL: base,
      SMTP_URL: smtp.url,
      MAIL_FROM: "Fieldkit <noreply@onboarding.test>",
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: oidc.clientId,
      OIDC_CLIENT_SECRET: oidc.clientSecret,
      OIDC_NAME: "Test IdP",
      OIDC_ALLOW_HTTP: "true",
    });
    browser = await launch();
    context = browser.context;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await oidc?.close();
    await smtp?.close();
    await fixture?.destroy();
  });

  async function signInWithPassword(page: Page, email: string, password: string) {
    await page.goto(`${base}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await Promise.all([
      page.waitForURL((url) => !url.pathname.startsWith("/login")),
      page.getByRole("button", { name: "Sign in", exact: true }).click(),
    ]);
  }
  const me = async () =>
    (await context.request.get(`${base}/api/v1/me`)).json() as Promise<{
      user: { id: string; email: string; role: string; teamId: string | null };
    }>;
  async function auditCsv(action: string): Promise<string> {
    await context.clearCookies();
    const page = await context.newPage();
    await signInWithPassword(page, people.admin, TEST_PASSWORD);
    const res = await context.request.get(`${base}/admin/audit.csv?action=${action}`);
    await page.close();
    return res.text();
  }
  /** The page still says why once the browser has taken it over: the words must be in its bundle too. */
  async function expectSentenceAfterHydration(page: Page, sentence: string) {
    await page.waitForFunction(() => (window as unknown as { __remixRouter?: unknown }).__remixRouter !== undefined);
    await page.waitForLoadState("networkidle");
    expect(await page.getByRole("main").innerText()).toContain(sentence);
  }
  async function ssoSignIn(sub: string): Promise<Page> {
    await context.clearCookies();
    oidc.signInAs(sub);
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByRole("link", { name: "Sign in with Test IdP" }).click();
    await page.waitForURL((url) => url.origin === base && !url.pathname.startsWith("/login"));
    return page;
  }

  it("invites a seller by email; the invitee accepts and lands signed in with the invited role and team", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await signInWithPassword(page, people.admin, TEST_PASSWORD);
    await page.goto(`${base}/admin/invitations`);
    await expectNoAxeViolations(page, "the invitations page");
    const invitee = `new.seller.${Date.now()}@onboarding.test`;
    await page.getByLabel("Email").fill(invitee);
    await page.getByLabel("Role").selectOption("seller");
    await page.getByLabel("Team").selectOption({ label: "Fault team" });
    await page.getByRole("button", { name: "Send invitation", exact: true }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Invitation sent to ${invitee}` })
      .waitFor();
    await page.getByRole("list", { name: "Pending" }).getByText(invitee, { exact: true }).waitFor();
    await page.getByLabel("Search pending").fill(invitee.slice(0, invitee.indexOf("@")));
    await page.getByRole("button", { name: "Find", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "1 pending" }).waitFor();
    expect(await page.getByRole("list", { name: "Pending" }).getByRole("listitem").allInnerTexts()).toEqual([
      expect.stringContaining(invitee),
    ]);
    // Withdrawn by mistake, and put back with Undo: the link in the mail below still works.
    await page.getByRole("button", { name: `Withdraw the invitation for ${invitee}` }).click();
    const undo = page.getByRole("status").filter({ hasText: `Withdrew the invitation for ${invitee}` });
    await undo.waitFor();
    await expectNoAxeViolations(page, "an invitation just withdrawn, offering Undo");
    await undo.getByRole("button", { name: "Undo" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `The invitation for ${invitee} is pending again` })
      .waitFor();
    await page.getByRole("list", { name: "Pending" }).getByText(invitee, { exact: true }).waitFor();
    const mail = await smtp.waitFor(invitee, /invited/);
    const link = linkIn(mail, "/invite/");
    expect(link.startsWith(`${base}/invite/`)).toBe(true);

    // The admin finds that message among the outgoing mail by part of the address, and sees it went out.
    await page.getByRole("link", { name: "Outgoing mail" }).click();
    await page.getByRole("heading", { level: 1, name: "Outgoing mail" }).waitFor();
    await page.getByLabel("Recipient or subject").fill(invitee.slice(0, invitee.indexOf("@")));
    await page.getByRole("button", { name: "Find", exact: true }).click();
    await page.waitForURL((url) => url.searchParams.has("q"));
    const messages = page.getByRole("list", { name: "Messages, newest first" }).getByRole("listitem");
    // The list may still be the one before the search for a moment after the address changed, and the job
    // marks the message sent just after the SMTP server took it: look again until both have happened.
    await expect
      .poll(
        async () => {
          const texts = await messages.allInnerTexts();
          if (texts.length !== 1 || !texts[0].includes("Sent")) await page.reload();
          return texts;
        },
        { timeout: 20_000 },
      )
      .toEqual([expect.stringMatching(new RegExp(`invited.*to ${invitee.replace(/\./g, "\\.")}.*Sent`, "s"))]);
    await expectNoAxeViolations(page, "outgoing mail, searched");
    await page.getByLabel("Status").selectOption("failed");
    await page.getByRole("button", { name: "Find", exact: true }).click();
    await page.getByText("No messages match").waitFor();

    await context.clearCookies();
    await page.goto(link);
    await expectNoAxeViolations(page, "the accept-invitation page");
    await page.getByLabel("Your name").fill("Nia Newseller");
    await page.getByLabel("Choose a password").fill("my own long password");
    await Promise.all([page.waitForURL(`${base}/home`), page.getByRole("button", { name: "Create my account" }).click()]);
    expect(await me()).toMatchObject({ user: { email: invitee, role: "seller", teamId } });
    // The link worked once.
    const again = await page.goto(link);
    expect(again?.status()).toBe(404);
    await page.getByRole("heading", { name: "Invitation not available" }).waitFor();
    await expectSentenceAfterHydration(page, INVALID_INVITE_MESSAGE);
    await page.close();
  });

  it("resets a forgotten password by email, and the old session stops working", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await signInWithPassword(page, people.linked, TEST_PASSWORD);
    const oldSession = (await context.cookies(base)).find((c) => c.name === "fk_session")!;
    expect((await fetch(`${base}/api/v1/me`, { headers: { cookie: `fk_session=${oldSession.value}` } })).status).toBe(200);

    await context.clearCookies();
    await page.goto(`${base}/login`);
    // NOTE: the sign-in page has an Email field too: fill only once the reset page is there.
    await Promise.all([page.waitForURL(/\/forgot-password/), page.getByRole("link", { name: "Forgot your password?" }).click()]);
    await page.getByRole("button", { name: "Email me a reset link" }).waitFor();
    await page.getByLabel("Email").fill(people.linked);
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await page.getByRole("status").filter({ hasText: "If that address has a Fieldkit account" }).waitFor();
    const mail = await smtp.waitFor(people.linked, /Reset your Fieldkit password/);
    await page.goto(linkIn(mail, "/reset-password/"));
    await expectNoAxeViolations(page, "the reset-password page");
    await page.getByLabel("New password").fill("reset long password");
    await Promise.all([page.waitForURL(/\/login\?reset=done/), page.getByRole("button", { name: "Set new password" }).click()]);
    await page.getByRole("status").filter({ hasText: "Your password has been changed" }).waitFor();
    await page.goto(linkIn(mail, "/reset-password/"));
    await expectSentenceAfterHydration(page, INVALID_RESET_MESSAGE);

    expect((await fetch(`${base}/api/v1/me`, { headers: { cookie: `fk_session=${oldSession.value}` } })).status).toBe(401);
    await signInWithPassword(page, people.linked, "reset long password");
    expect(new URL(page.url()).pathname).toBe("/home");
    await page.close();
  });

  it("creates an account at the first SSO sign-in with the role and team mapped from claims", async () => {
    oidc.addAccount({
      sub: "jit-1",
      email: "jit@onboarding.test",
      email_verified: true,
      name: "Jay Intime",
      fieldkit_role: "marketer",
      fieldkit_team: "Fault team",
    });
    const page = await ssoSignIn("jit-1");
    expect(new URL(page.url()).pathname).toBe("/library");
    expect(await me()).toMatchObject({ user: { email: "jit@onboarding.test", role: "marketer", teamId } });
    await page.close();
  });

  it("links an existing account by verified email at the next sign-in", async () => {
    oidc.addAccount({ sub: "link-1", email: people.linked, email_verified: true, name: "Linked Seller" });
    const before = await fetch(`${base}/api/v1/me`).then((r) => r.status);
    expect(before).toBe(401);
    const page = await ssoSignIn("link-1");
    expect(new URL(page.url()).pathname).toBe("/home");
    expect((await me()).user.email).toBe(people.linked);
    await page.close();
    expect(await auditCsv("sso.linked")).toContain("link-1");
  });

  const refusals: [Tamper, RegExp, string][] = [
    ["signature", /signature is not valid/, "bad_signature"],
    ["audience", /issued for a different application/, "wrong_audience"],
    ["expired", /has expired/, "expired_token"],
    ["nonce", /does not belong to this sign-in/, "nonce_mismatch"],
  ];
  for (const [mode, message, reason] of refusals) {
    it(`refuses an ID token with ${mode === "nonce" ? "a replayed nonce" : mode === "signature" ? "a tampered signature" : mode === "audience" ? "the wrong audience" : "an expired lifetime"}, with a clear page and an audit entry`, async () => {
      oidc.addAccount({
        sub: "jit-1",
        email: "jit@onboarding.test",
        email_verified: true,
        name: "Jay Intime",
        fieldkit_role: "marketer",
        fieldkit_team: "Fault team",
      });
      oidc.tamper(mode);
      try {
        const page = await ssoSignIn("jit-1");
        expect(new URL(page.url()).pathname).toBe("/auth/oidc/callback");
        await page.getByRole("heading", { name: "Sign-in refused" }).waitFor();
        expect(await page.getByRole("alert").textContent()).toMatch(message);
        await expectNoAxeViolations(page, `the refusal page (${mode})`);
        expect((await me().catch(() => null))?.user).toBeUndefined();
        await page.close();
      } finally {
        oidc.tamper(null);
      }
      expect(await auditCsv("sso.refused")).toContain(reason);
    });
  }

  it("refuses a replayed callback (state already used), with a clear page and an audit entry", async () => {
    await context.clearCookies();
    oidc.signInAs("jit-1");
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    // Start as the link would, keeping the state cookie the browser got, and note the callback address.
    const start = await context.request.get(`${base}/auth/oidc`, { maxRedirects: 0 });
    expect(start.status()).toBe(302);
    const stateCookie = (await context.cookies(`${base}/auth/oidc/callback`)).find((c) => c.name === "fk_oidc");
    expect(stateCookie).toBeDefined();
    let callback = "";
    page.on("request", (r) => {
      if (r.url().startsWith(`${base}/auth/oidc/callback`)) callback = r.url();
    });
    await page.goto(start.headers()["location"]);
    await page.waitForURL(`${base}/library`);
    expect(callback).not.toBe("");
    // An attacker holding the whole callback and the browser's state cookie tries it again.
    await context.addCookies([
      { name: "fk_oidc", value: stateCookie!.value, domain: "127.0.0.1", path: "/auth/oidc", httpOnly: true, sameSite: "Lax" },
    ]);
    const res = await page.goto(callback);
    expect(res?.status()).toBe(403);
    await page.getByRole("heading", { name: "Sign-in refused" }).waitFor();
    expect(await page.getByRole("alert").textContent()).toMatch(/already used or has expired/);
    await page.close();
    expect(await auditCsv("sso.refused")).toContain("state_replayed");
  });
});
