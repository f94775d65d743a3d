// GET /tags?q=: names of tags that hold what is typed, as suggestions where a tag is chosen by its name (the
// metadata form's "Another tag", the library's tag filter and bulk bar once there are many). JSON, no page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { suggestTags } from "~/modules/library/tags-audiences.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  const q = new URL(request.url).searchParams.get("q") ?? "";
  return Response.json({ tags: await suggestTags(context.app.db, q) }, { headers: { "Cache-Control": "private, max-age=60" } });
}
