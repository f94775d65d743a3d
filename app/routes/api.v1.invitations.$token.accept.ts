// POST /api/v1/invitations/:token/accept {name, password}: creates the invited account and signs it in.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { commitSessionCookie } from "~/modules/auth/guard.server";
import { passwordsFor } from "~/modules/auth/settings.server";
import { publicUser } from "~/modules/auth/session.server";
import { AcceptInput, acceptInvitation } from "~/modules/people/invitations.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST to accept an invitation.");

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to accept an invitation.");
  const input = AcceptInput.parse(await readJson(request, 10_000));
  const { user, token } = await acceptInvitation(context.app.db, {
    token: params.token ?? "",
    ...input,
    userAgent: request.headers.get("user-agent"),
    passwordsFor: passwordsFor(context.app),
  });
  return apiJson(
    { user: publicUser(user) },
    { status: 201, headers: { "Set-Cookie": await commitSessionCookie(context.app, request, token) } },
  );
});
