// Outgoing mail: through a real SMTP server (smtp-server, in process) via the durable job queue, with
// retries and failures visible to admins; without SMTP, kept in the local outbox admins read.
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobRunner, type JobRunner } from "@/content/jobs";
import { jobs, mailMessages } from "@/db/schema";
import { loadEnv } from "~/env.server";
import { createMailTransport, mailJobHandlers, mailTrouble, queueMail, type MailTransport } from "~/modules/mail/mail.server";
import { renderMail } from "~/modules/mail/templates.server";
import { loader as mailApi } from "~/routes/api.v1.mail";
import { loader as mailPage } from "~/routes/_app.admin.mail";
import { cookieFor, createTestApp, createUser, request, respond, routeArgs, type TestApp } from "../setup/app";
import { startSmtp, type TestSmtp } from "../setup/smtp";

let app: TestApp;
let smtp: TestSmtp;
let smtpTransport: MailTransport;
let smtpRunner: JobRunner;
beforeAll(async () => {
  app = await createTestApp();
  smtp = await startSmtp();
  smtpTransport = createMailTransport({ smtpUrl: smtp.url, from: "Fieldkit <noreply@fieldkit.test>" });
  smtpRunner = createJobRunner({ db: app.db, handlers: mailJobHandlers(app.db, smtpTransport), log: () => {} });
});
afterAll(async () => {
  smtpTransport?.close();
  await smtp?.close();
  await app?.close();
});

const resetTemplate = (url: string) => ({ kind: "password_reset" as const, url, minutes: 30 });
/** The retry backoff is minutes long; tests make the waiting job due now instead of waiting. */
const makeDue = () =>
  app.db.execute(sql`update jobs set run_at = now() where kind = 'send_mail' and done_at is null and failed_at is null`);

describe("mail through SMTP", () => {
  it("delivers a queued message to the SMTP server with HTML and plain text, and records it as sent", async () => {
    const to = `dana-${Date.now()}@example.test`;
    const id = await queueMail(app.db, { to, template: resetTemplate("http://fieldkit.test/reset-password/abc") });
    expect(await smtpRunner.runUntilIdle()).toBeGreaterThanOrEqual(1);
    const mail = await smtp.waitFor(to, /Reset your Fieldkit password/);
    expect(mail.from).toBe("noreply@fieldkit.test");
    expect(mail.text).toContain("http://fieldkit.test/reset-password/abc");
    expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(mail.raw).toMatch(/Content-Type: text\/html/i);
    const [row] = await app.db.select().from(mailMessages).where(eq(mailMessages.id, id));
    expect(row.status).toBe("sent");
    expect(row.sentAt).not.toBeNull();
  });

  it("retries a message the server refused and sends it on the next attempt", async () => {
    const to = `retry-${Date.now()}@example.test`;
    smtp.refuseNext(1);
    const id = await queueMail(app.db, { to, template: resetTemplate("http://fieldkit.test/r/1") });
    await smtpRunner.runUntilIdle();
    let [row] = await app.db.select().from(mailMessages).where(eq(mailMessages.id, id));
    expect(row.status).toBe("queued");
    expect(row.error).toMatch(/550|Mailbox unavailable/);
    expect((await mailTrouble(app.db)).retrying).toBeGreaterThanOrEqual(1);
    await makeDue();
    await smtpRunner.runUntilIdle();
    [row] = await app.db.select().from(mailMessages).where(eq(mailMessages.id, id));
    expect(row.status).toBe("sent");
    expect(row.attempts).toBe(2);
    expect(row.error).toBeNull();
    await smtp.waitFor(to);
  });

  it("gives up after the last attempt and shows the failure to admins", async () => {
    const to = `bounce-${Date.now()}@example.test`;
    smtp.refuseNext(1000);
    const id = await queueMail(app.db, { to, template: resetTemplate("http://fieldkit.test/r/2") });
    for (let i = 0; i < 10; i++) {
      await makeDue();
      await smtpRunner.runUntilIdle();
    }
    smtp.refuseNext(0);
    const [row] = await app.db.select().from(mailMessages).where(eq(mailMessages.id, id));
    expect(row.status).toBe("failed");
    expect(row.attempts).toBe(6);
    const [job] = await app.db
      .select()
      .from(jobs)
      .where(sql`${jobs.kind} = 'send_mail' and ${jobs.payload}->>'id' = ${String(id)}`);
    expect(job.failedAt).not.toBeNull();
    expect((await mailTrouble(app.db)).failed).toBeGreaterThanOrEqual(1);
    const admin = await createUser(app, { role: "admin" });
    const page = (await mailPage(routeArgs(app, request("/admin/mail", { cookie: await cookieFor(app, admin.id) })) as never)) as Awaited<
      ReturnType<typeof mailPage>
    >;
    const shown = page.messages.find((m) => m.id === id)!;
    expect(shown.status).toBe("failed");
    expect(shown.error).toMatch(/550|Mailbox unavailable/);
    expect(page.trouble.failed).toBeGreaterThanOrEqual(1);
  });
});

describe("the local outbox (no SMTP configured)", () => {
  it("keeps messages for admins, newest first, on the page and in GET /api/v1/mail", async () => {
    const local = createMailTransport({ from: "Fieldkit <fieldkit@localhost>" });
    expect(local.kind).toBe("local");
    const runner = createJobRunner({ db: app.db, handlers: mailJobHandlers(app.db, local), log: () => {} });
    const first = await queueMail(app.db, { to: "first@example.test", template: resetTemplate("http://x.test/first") });
    const second = await queueMail(app.db, { to: "second@example.test", template: resetTemplate("http://x.test/second") });
    await runner.runUntilIdle();
    const ctx = { ...app, env: loadEnv({ NODE_ENV: "test", DATA_DIR: app.env.DATA_DIR, SESSION_SECRET: app.env.SESSION_SECRET }) };
    const admin = await createUser(app, { role: "admin" });
    const res = (await mailApi(routeArgs(ctx, request("/api/v1/mail", { cookie: await cookieFor(app, admin.id) })) as never)) as Response;
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      transport: string;
      messages: { id: number; to: string; subject: string; text: string; status: string }[];
    };
    expect(body.transport).toBe("local");
    const ids = body.messages.map((m) => m.id);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    const mine = body.messages.find((m) => m.id === second)!;
    expect(mine).toMatchObject({ to: "second@example.test", subject: "Reset your Fieldkit password", status: "local" });
    expect(mine.text).toContain("http://x.test/second");
  });

  it.each([
    ["reset-password", (url: string) => resetTemplate(url)],
    [
      "invite",
      (url: string) => ({ kind: "invitation" as const, inviter: "Ada", role: "admin", team: null, url, expiresAt: new Date(), sso: null }),
    ],
  ])("hides %s links from admins when an SMTP server delivers them, and shows them in the local outbox", async (path, template) => {
    const local = createMailTransport({ from: "Fieldkit <fieldkit@localhost>" });
    const runner = createJobRunner({ db: app.db, handlers: mailJobHandlers(app.db, local), log: () => {} });
    const token = `k7Q2rX9_hidden-token-${path}`;
    const id = await queueMail(app.db, {
      to: "victim@example.test",
      template: template(`http://fieldkit.test/${path}/${token}`),
    });
    await runner.runUntilIdle();
    const admin = await createUser(app, { role: "admin" });
    const cookie = await cookieFor(app, admin.id);
    const textWith = async (smtp: boolean) => {
      const env = loadEnv({
        NODE_ENV: "test",
        DATA_DIR: app.env.DATA_DIR,
        SESSION_SECRET: app.env.SESSION_SECRET,
        ...(smtp ? { SMTP_URL: "smtp://127.0.0.1:2525" } : {}),
      });
      const res = (await mailApi(routeArgs({ ...app, env }, request("/api/v1/mail?q=victim", { cookie })) as never)) as Response;
      const page = (await respond(() => mailPage(routeArgs({ ...app, env }, request("/admin/mail?q=victim", { cookie })) as never))) as {
        messages: { id: number; text: string }[];
      };
      const api = ((await res.json()) as { messages: { id: number; text: string }[] }).messages.find((m) => m.id === id)!.text;
      return [api, page.messages.find((m) => m.id === id)!.text];
    };
    for (const text of await textWith(true)) {
      expect(text).not.toContain(token);
      expect(text).toContain(`/${path}/[hidden: sent to the person]`);
    }
    for (const text of await textWith(false)) expect(text).toContain(`/${path}/${token}`);
  });

  it("finds messages by part of a recipient or subject and by status, and pages through them all by id", async () => {
    const marker = `pager${Date.now()}`;
    const rows = Array.from({ length: 75 }, (_, i) => ({
      kind: "password_reset",
      to: `person${i}@${marker}.test`,
      subject: `Subject ${i}`,
      text: "t",
      html: "h",
      status: (["local", "sent", "failed"] as const)[i % 3],
    }));
    // Wildcards a person types are text: "_1%" must find this address only, not every address with a 1.
    rows.push({ ...rows[0], to: `odd_1%@${marker}.test`, status: "local" });
    await app.db.insert(mailMessages).values(rows);
    const cookie = await cookieFor(app, (await createUser(app, { role: "admin" })).id);
    type Page = { messages: { id: number; to: string; status: string }[]; next: number | null };
    const get = async (query: string) => {
      const res = (await mailApi(routeArgs(app, request(`/api/v1/mail?${query}`, { cookie })) as never)) as Response;
      expect(res.status).toBe(200);
      return (await res.json()) as Page;
    };

    const seen: number[] = [];
    let before: number | null = null;
    do {
      const page: Page = await get(`q=${marker.toUpperCase()}&limit=30${before ? `&before=${before}` : ""}`);
      expect(page.messages.length).toBeLessThanOrEqual(30);
      seen.push(...page.messages.map((m) => m.id));
      before = page.next;
    } while (before !== null);
    expect(seen).toHaveLength(76);
    expect(new Set(seen).size).toBe(76);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);

    const failed = await get(`q=${marker}&status=failed&limit=500`);
    expect(failed.messages).toHaveLength(25);
    expect(failed.messages.every((m) => m.status === "failed")).toBe(true);
    expect((await get(`q=${encodeURIComponent("_1%")}`)).messages.map((m) => m.to)).toEqual([`odd_1%@${marker}.test`]);
    expect((await get(`q=Subject%2074&status=failed`)).messages.map((m) => m.to)).toContain(`person74@${marker}.test`);
    // Nonsense in the address drops that filter instead of failing: an unknown status, a cursor that is not a number.
    expect((await get(`q=${marker}&status=lost&before=abc&limit=500`)).messages).toHaveLength(76);

    // The admin page: the same search, 30 at a time, with the cursor for "Older messages".
    const page = (await mailPage(routeArgs(app, request(`/admin/mail?q=${marker}&status=local`, { cookie })) as never)) as Awaited<
      ReturnType<typeof mailPage>
    >;
    expect(page.messages).toHaveLength(26);
    expect(page.next).toBeNull();
    expect(page).toMatchObject({ q: marker, status: "local" });
  });

  it("refuses the outbox to everyone but admins", async () => {
    for (const role of ["seller", "marketer", "manager"] as const) {
      const user = await createUser(app, { role });
      const res = (await mailApi(routeArgs(app, request("/api/v1/mail", { cookie: await cookieFor(app, user.id) })) as never)) as Response;
      expect(res.status).toBe(403);
    }
    const res = (await respond(() => mailPage(routeArgs(app, request("/admin/mail")) as never))) as Response;
    expect(res.status).toBe(302);
  });
});

describe("templates", () => {
  it("escapes what people typed in the HTML part and keeps the link in the text part", () => {
    const mail = renderMail({
      kind: "invitation",
      inviter: "<script>x</script>",
      role: "seller",
      team: "A & B",
      url: "http://f.test/invite/t",
      expiresAt: new Date("2030-01-01T00:00:00Z"),
      sso: null,
    });
    expect(mail.html).not.toContain("<script>x</script>");
    expect(mail.html).toContain("A &#38; B");
    expect(mail.text).toContain("<script>x</script> invited you");
    expect(mail.text).toContain("http://f.test/invite/t");
    expect(mail.text).toContain("2030-01-01 00:00 UTC");
  });
});
