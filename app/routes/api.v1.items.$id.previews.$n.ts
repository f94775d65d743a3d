// GET /api/v1/items/:id/previews/:n[?w=640][&version=n]: page n (0 for an image) as WebP.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { api } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { badRequest } from "~/modules/errors.server";
import { fileResponse } from "~/modules/library/serve-file.server";
import { openPreview } from "~/modules/library/versions.server";

const Query = z.object({
  w: z.coerce.number().int().min(1).max(4000).optional(),
  version: z.coerce.number().int().min(1).optional(),
});

export const loader = api(async ({ request, params, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const n = Number(params.n);
  if (!Number.isInteger(n) || n < 0) throw badRequest("The preview number must be 0 (image) or a page number.");
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const preview = await openPreview(context.app, user, params.id ?? "", n, query.w, query.version);
  return fileResponse(request, preview, { version: query.version !== undefined });
});
