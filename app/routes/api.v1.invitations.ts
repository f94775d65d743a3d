// Admin API: pending invitations, and inviting someone by email with a role and team (decision 020).
// The list is the admin screen's (q, state), newest first, `limit` (≤ 500) a page, with the count.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { inviteSettings, wakeJobs } from "~/modules/auth/settings.server";
import { PendingApiQuery, inviteUser, pendingInvitationPage } from "~/modules/people/invitations.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  const query = PendingApiQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { rows, total, page, pages } = await pendingInvitationPage(context.app.db, { actor: user, query, pageSize: query.limit ?? 500 });
  return apiJson({ invitations: rows, total, page, pages });
});

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to invite someone.");
  const { user } = await requireApiUser(context.app, request, ["admin"]);
  const invitation = await inviteUser(context.app.db, {
    actor: user,
    input: await readJson(request, 10_000),
    settings: inviteSettings(context.app),
  });
  wakeJobs(context.app);
  return apiJson({ invitation }, { status: 201 });
});
