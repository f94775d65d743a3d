// GET /publish/tags?q=: names of tags that match what is typed in the metadata form's "Another tag", as
// suggestions (a resource route: JSON, no page).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { suggestTags } from "~/modules/library/tags-audiences.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request, ["marketer", "admin"]);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  return Response.json({ tags: await suggestTags(context.app.db, q) }, { headers: { "Cache-Control": "private, max-age=60" } });
}
