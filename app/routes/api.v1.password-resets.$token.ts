// POST /api/v1/password-resets/:token {password}: sets the new password and signs the account out everywhere.
import type { ActionFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { resetPassword } from "~/modules/auth/password-reset.server";
import { wakeJobs } from "~/modules/auth/settings.server";

export const loader = () => apiError(405, "method_not_allowed", "Use POST with the new password.");

export const action = api(async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST with the new password.");
  await resetPassword(context.app.db, {
    token: params.token ?? "",
    input: await readJson(request, 10_000),
    publicUrl: context.app.env.PUBLIC_URL,
  });
  wakeJobs(context.app);
  return apiJson({ message: "Your password has been changed. Sign in with it; every other session was signed out." });
});
