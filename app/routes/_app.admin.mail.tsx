import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";
import { requireUser } from "~/modules/auth/guard.server";
import { listMail, mailTrouble } from "~/modules/mail/mail.server";

export const meta: MetaFunction = () => [{ title: "Outgoing mail · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const [messages, trouble] = await Promise.all([listMail(context.app.db, { actor, limit: 100 }), mailTrouble(context.app.db)]);
  return { messages, trouble, transport: context.app.env.SMTP_URL ? "smtp" : "local" };
}

const STATUS: Record<string, string> = { queued: "Waiting to send", sent: "Sent", local: "In the local outbox", failed: "Failed" };

export default function Mail() {
  const { messages, trouble, transport } = useLoaderData<typeof loader>();
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
      {messages.length ? (
        <ul className="list" aria-label="Messages, newest first">
          {messages.map((m) => (
            <li key={m.id} className="card">
              <details>
                <summary>
                  <strong>{m.subject}</strong> to {m.to}
                  <div className="meta">
                    {formatDate(m.createdAt)} · {STATUS[m.status] ?? m.status}
                    {m.error ? ` · last error: ${m.error}` : ""}
                  </div>
                </summary>
                <pre style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{m.text}</pre>
              </details>
            </li>
          ))}
        </ul>
      ) : (
        <p className="meta">Nothing has been sent yet.</p>
      )}
    </>
  );
}
