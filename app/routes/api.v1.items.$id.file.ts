// GET /api/v1/items/:id/file[?version=n][&download=1]: the original, for people in the audience.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { api } from "~/modules/api.server";
import { requireApiUser } from "~/modules/auth/guard.server";
import { fileResponse } from "~/modules/library/serve-file.server";
import { openItemFile } from "~/modules/library/versions.server";

const Query = z.object({
  version: z.coerce.number().int().min(1).optional(),
  download: z.enum(["1", "true"]).optional(),
});

export const loader = api(async ({ request, params, context }: LoaderFunctionArgs) => {
  const { user } = await requireApiUser(context.app, request);
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const file = await openItemFile(context.app, user, params.id ?? "", query.version);
  return fileResponse(request, file, { download: Boolean(query.download), version: query.version !== undefined });
});
