// Outgoing mail: rendered and stored in the same transaction as the change that caused it, delivered
// by the durable job queue (retries with backoff), with the outcome kept for admins to read.
// Without SMTP_URL the "delivery" keeps the message in the local outbox, so the embedded default
// needs no mail server.
import { and, desc, eq, ilike, inArray, lt, or, sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import nodemailer from "nodemailer";
import { z } from "zod";
import { enqueueJob, type JobHandler } from "@/content/jobs";
import type { Db } from "@/db/client";
import { containsPattern } from "@/db/sql";
import { mailMessages } from "@/db/schema";
import { MAIL_STATUSES, type MailStatus } from "@/vocabulary/mail";
import type { SessionUser } from "~/modules/auth/session.server";
import { forbidden } from "~/modules/errors.server";
import { urlBefore } from "~/modules/validation.server";
import { renderMail, type MailTemplate } from "./templates.server";

type AnyDb = PgDatabase<PgQueryResultHKT, any>;

export const SEND_MAIL_JOB = "send_mail";
const MAX_ATTEMPTS = 6;

export type MailTransport = {
  kind: "smtp" | "local";
  /** For the start-up banner and the admin outbox page. */
  description: string;
  send(message: { to: string; subject: string; text: string; html: string }): Promise<void>;
  close(): void;
};

export function createMailTransport(settings: { smtpUrl?: string; from: string }): MailTransport {
  if (!settings.smtpUrl) {
    return {
      kind: "local",
      description: "local outbox (no SMTP_URL): admins read it at /admin/mail",
      send: async () => {},
      close: () => {},
    };
  }
  const transport = nodemailer.createTransport(settings.smtpUrl);
  const host = new URL(settings.smtpUrl).host;
  return {
    kind: "smtp",
    description: `SMTP at ${host}, from ${settings.from}`,
    async send(message) {
      await transport.sendMail({ from: settings.from, ...message });
    },
    close: () => transport.close(),
  };
}

/** Stores the message and queues its delivery. Call inside the transaction that made it necessary. */
export async function queueMail(db: AnyDb, { to, template }: { to: string; template: MailTemplate }): Promise<number> {
  const rendered = renderMail(template);
  const [row] = await db
    .insert(mailMessages)
    .values({ kind: template.kind, to, ...rendered })
    .returning({ id: mailMessages.id });
  await enqueueJob(db, SEND_MAIL_JOB, { id: row.id }, { maxAttempts: MAX_ATTEMPTS });
  return row.id;
}

export function mailJobHandlers(db: Db, transport: MailTransport): Record<string, JobHandler> {
  return {
    [SEND_MAIL_JOB]: {
      async run(payload) {
        const id = Number(payload.id);
        const [message] = await db.select().from(mailMessages).where(eq(mailMessages.id, id));
        if (!message || message.status !== "queued") return;
        try {
          await transport.send({ to: message.to, subject: message.subject, text: message.text, html: message.html });
        } catch (error) {
          await db
            .update(mailMessages)
            .set({ attempts: sql`${mailMessages.attempts} + 1`, error: error instanceof Error ? error.message : String(error) })
            .where(eq(mailMessages.id, id));
          throw error;
        }
        await db
          .update(mailMessages)
          .set({
            status: transport.kind === "smtp" ? "sent" : "local",
            attempts: sql`${mailMessages.attempts} + 1`,
            error: null,
            sentAt: new Date(),
          })
          .where(eq(mailMessages.id, id));
      },
      async onFailed(payload) {
        await db
          .update(mailMessages)
          .set({ status: "failed" })
          .where(and(eq(mailMessages.id, Number(payload.id)), eq(mailMessages.status, "queued")));
      },
    },
  };
}

/** The outbox's filters from an address: nonsense in any of them is dropped, never an error page. */
export const MailQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).catch(100),
  status: z.enum(MAIL_STATUSES).optional().catch(undefined),
  q: z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().min(1).max(254).optional()).catch(undefined),
  before: urlBefore,
});
export type MailQuery = z.infer<typeof MailQuery>;

/**
 * Outgoing mail, newest first, `limit` at a time: `before` (the last id of the page before) pages on by
 * id, which stays as quick at the millionth message as at the first; `q` finds a recipient or a subject
 * by any part of it ("did the invitation to bob@ go out?").
 */
/**
 * `delivered`: an SMTP server takes the mail to its reader. A reset link in it is then theirs alone: shown
 * here, any admin could open another person's (another admin's) link and take over the account. With no
 * SMTP server the outbox is how links reach people, so it shows them.
 */
export async function listMail(
  db: Db,
  {
    actor,
    limit = 100,
    status,
    q,
    before,
    delivered = false,
  }: { actor: SessionUser; limit?: number; status?: MailStatus; q?: string; before?: number; delivered?: boolean },
) {
  if (actor.role !== "admin") throw forbidden("Only admins can read outgoing mail.");
  const take = Math.min(Math.max(limit, 1), 500);
  const pattern = q ? containsPattern(q) : undefined;
  const rows = await db
    .select({
      id: mailMessages.id,
      kind: mailMessages.kind,
      to: mailMessages.to,
      subject: mailMessages.subject,
      text: mailMessages.text,
      status: mailMessages.status,
      attempts: mailMessages.attempts,
      error: mailMessages.error,
      createdAt: mailMessages.createdAt,
      sentAt: mailMessages.sentAt,
    })
    .from(mailMessages)
    .where(
      and(
        status ? eq(mailMessages.status, status) : undefined,
        pattern ? or(ilike(mailMessages.to, pattern), ilike(mailMessages.subject, pattern)) : undefined,
        before ? lt(mailMessages.id, before) : undefined,
      ),
    )
    .orderBy(desc(mailMessages.id))
    .limit(take + 1);
  const messages = rows
    .slice(0, take)
    .map((m) => (delivered ? { ...m, text: m.text.replace(PERSONAL_LINK, "$1[hidden: sent to the person]") } : m));
  return { messages, next: rows.length > take ? messages[messages.length - 1].id : null };
}

// A reset link takes over an account, and an invitation link creates one (admin included) under the
// invitee's name: with SMTP delivering them, no admin needs to read them, so none can use them.
const PERSONAL_LINK = /(\/(?:reset-password|invite)\/)[A-Za-z0-9_-]+/g;

/** For the admin page's warning: messages that gave up, and ones still retrying after an error. */
export async function mailTrouble(db: Db) {
  const [row] = await db
    .select({
      failed: sql<number>`count(*) filter (where ${mailMessages.status} = 'failed')::int`,
      retrying: sql<number>`count(*) filter (where ${mailMessages.status} = 'queued' and ${mailMessages.error} is not null)::int`,
    })
    .from(mailMessages)
    // Every mail sent stays in the table (the outgoing log): read only the few in trouble, by the status index.
    .where(inArray(mailMessages.status, ["failed", "queued"]));
  return row;
}
