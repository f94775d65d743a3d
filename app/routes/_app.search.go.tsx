import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { ClickInput, recordClick } from "~/modules/search/search.server";

// A search result link: records which result (and position) was opened, then opens the item
// (at the matching page). A plain link, so it works without JavaScript.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const parsed = ClickInput.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response("That search result link is incomplete. Search again.", { status: 400 });
  return redirect(await recordClick(context.app, user, parsed.data));
}
