import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { OlderPager } from "~/components/older-pager";
import { EmptyState } from "~/components/shell";
import { requireUser } from "~/modules/auth/guard.server";
import { MailQuery, listMail, mailTrouble } from "~/modules/mail/mail.server";
import { MAIL_STATUSES, MAIL_STATUS_LABEL } from "@/vocabulary/mail";

export const meta: MetaFunction = () => [{ title: "Outgoing mail · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const query = MailQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  // A page of 30: each message comes with its text, for reading it in place.
  const [{ messages, next }, trouble] = await Promise.all([
    listMail(context.app.db, { actor, ...query, limit: 30, delivered: Boolean(context.app.env.SMTP_URL) }),
    mailTrouble(context.app.db),
  ]);
  return { messages, next, trouble, q: query.q ?? "", status: query.status ?? "", transport: context.app.env.SMTP_URL ? "smtp" : "local" };
}

export default function Mail() {
  const { messages, next, trouble, q, status, transport } = useLoaderData<typeof loader>();
  const filtered = q !== "" || status !== "";
  return (
    <>
      <h1>Outgoing mail</h1>
      <p>
        <Link to="/admin">People and teams</Link> · <Link to="/admin/invitations">Invitations</Link>
      </p>
      <p>
        {transport === "smtp"
          ? "Mail goes out through the SMTP server set in SMTP_URL. Failed deliveries are retried, then listed here."
          : "No SMTP server is configured (SMTP_URL), so nothing leaves this server: messages stay here, in the local outbox, for you to read or forward."}
      </p>
      {trouble.failed || trouble.retrying ? (
        <p className="form-error" role="alert">
          {trouble.failed} message{trouble.failed === 1 ? "" : "s"} could not be delivered; {trouble.retrying}{" "}
          {trouble.retrying === 1 ? "is" : "are"} being retried.
        </p>
      ) : null}
      <Form method="get" className="row card filters" role="search" aria-label="Find outgoing mail" key={`${q}|${status}`}>
        <div>
          <label htmlFor="mail-q">Recipient or subject</label>
          <input id="mail-q" name="q" type="search" defaultValue={q} maxLength={254} placeholder="e.g. bob@ or invitation" />
        </div>
        <div>
          <label htmlFor="mail-status">Status</label>
          <select id="mail-status" name="status" defaultValue={status}>
            <option value="">Any</option>
            {MAIL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {MAIL_STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Find</button>
        {filtered ? (
          <Link to="/admin/mail" className="button secondary">
            Show all
          </Link>
        ) : null}
      </Form>
      {messages.length ? (
        <ul className="list" aria-label="Messages, newest first">
          {messages.map((m) => (
            <li key={m.id} className="card">
              <details>
                <summary>
                  <strong>{m.subject}</strong> to {m.to}
                  <div className="meta">
                    {formatDate(m.createdAt)} · {MAIL_STATUS_LABEL[m.status]}
                    {m.error ? ` · last error: ${m.error}` : ""}
                  </div>
                </summary>
                <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{m.text}</pre>
              </details>
            </li>
          ))}
        </ul>
      ) : filtered ? (
        <EmptyState title="No messages match">Try part of an address, or another status.</EmptyState>
      ) : (
        <EmptyState title="Nothing has been sent yet">Invitations, password resets and digests appear here.</EmptyState>
      )}
      <OlderPager next={next} noun="messages" />
    </>
  );
}
