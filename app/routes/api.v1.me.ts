import type { LoaderFunctionArgs } from "@remix-run/node";
import { api, apiJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { publicUser } from "~/modules/auth/session.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  return apiJson({ user: publicUser(user) });
});
