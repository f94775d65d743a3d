// POST /items/:id/buyers: a marketer marks an item internal-only ("not for buyers") or allows it again.
// GET has nothing to show and goes back to the item.
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { pageData } from "~/modules/page-errors.server";
import { setNotForBuyers } from "~/modules/shares/not-for-buyers.server";
import { readForm } from "~/modules/request-body.server";

export async function loader({ params }: LoaderFunctionArgs) {
  // Encoded: the id is whatever was in the address, and a Location header takes no raw non-ASCII.
  return redirect(`/items/${encodeURIComponent(params.id ?? "")}`);
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request, ["marketer", "admin"]);
  const form = await readForm(request);
  const notForBuyers = form.get("notForBuyers") === "true";
  const back = `/items/${encodeURIComponent(params.id ?? "")}${form.get("back") === "edit" ? "/edit" : ""}`;
  await pageData(async () => {
    await setNotForBuyers(context.app.db, { user, itemId: params.id ?? "", notForBuyers });
  });
  const notice = notForBuyers
    ? "Marked internal only: it can't be shared with buyers, and existing links no longer show it."
    : "Buyers may now receive this item.";
  return redirect(`${back}?notice=${encodeURIComponent(notice)}`);
}
