// GET /api/v1/mail (admin): outgoing mail, newest first; with no SMTP server this is the local outbox.
// `q` finds a recipient or subject, `status` filters, `before` (the `next` of the last answer) pages on.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { MailQuery, listMail } from "~/modules/mail/mail.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  const query = MailQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { messages, next } = await listMail(context.app.db, { actor: user, ...query, delivered: Boolean(context.app.env.SMTP_URL) });
  return apiJson({ transport: context.app.env.SMTP_URL ? "smtp" : "local", messages, next });
});
