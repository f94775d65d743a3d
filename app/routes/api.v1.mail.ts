// GET /api/v1/mail (admin): outgoing mail, newest first; with no SMTP server this is the local outbox.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { api, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { listMail } from "~/modules/mail/mail.server";

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(500).catch(100),
  status: z.enum(["failed", "queued"]).optional().catch(undefined),
});

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const messages = await listMail(context.app.db, { actor: user, ...query });
  return apiJson({ transport: context.app.env.SMTP_URL ? "smtp" : "local", messages });
});
