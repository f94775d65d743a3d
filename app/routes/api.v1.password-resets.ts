// POST /api/v1/password-resets {email}: 202 with the same body whatever the address.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { RESET_REQUESTED_MESSAGE, requestPasswordReset } from "~/modules/auth/password-reset.server";
import { clientKey, passwordsFor, wakeJobs } from "~/modules/auth/settings.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST to ask for a reset link.");

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to ask for a reset link.");
  await requestPasswordReset(context.app.db, {
    input: await readJson(request, 10_000),
    client: clientKey(context.app),
    publicUrl: context.app.env.PUBLIC_URL,
    passwordsFor: passwordsFor(context.app),
  });
  wakeJobs(context.app);
  return apiJson({ message: RESET_REQUESTED_MESSAGE }, { status: 202 });
});
