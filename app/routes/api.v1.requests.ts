// POST /api/v1/requests: ask marketing for content; GET lists the caller's own requests and their status.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { api, apiError, apiJson, readJson } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { RequestInput, createRequest, listMyRequests } from "~/modules/feedback/requests.server";

export const loader = api(async ({ request, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  return apiJson({ requests: await listMyRequests(context.app.db, { user }) });
});

export const action = api(async ({ request, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return apiError(405, "method_not_allowed", "Use POST to request content.");
  const { user } = await requireApiUser(context.app, request);
  const body = (await readJson(request, 20_000)) as Record<string, unknown> | null;
  const key = request.headers.get("idempotency-key");
  const input = RequestInput.parse(body && typeof body === "object" && !body.id && key ? { ...body, id: key } : body);
  const created = await createRequest(context.app.db, { user, input });
  return apiJson(
    { request: { id: created.id, text: created.text, query: created.query, status: created.status, createdAt: created.createdAt } },
    { status: created.created ? 201 : 200 },
  );
});
