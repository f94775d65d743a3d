// The "Was this useful?" form posts here (with or without JavaScript) and comes back to the item.
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { ZodError } from "~/modules/validation.server";
import { requireUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { RatingInput, rateItem } from "~/modules/feedback/ratings.server";
import { readForm } from "~/modules/request-body.server";

// Encoded: the id is whatever was in the address, and a Location header takes no raw non-ASCII.
export const loader = ({ params }: ActionFunctionArgs) => redirect(`/items/${encodeURIComponent(params.id ?? "")}`);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  const itemId = params.id ?? "";
  const form = await readForm(request);
  const back = (error?: string) =>
    redirect(`/items/${encodeURIComponent(itemId)}${error ? `?${new URLSearchParams({ feedbackError: error })}` : ""}#was-this-useful`);
  try {
    const input = RatingInput.parse({
      useful: form.get("useful") === "yes" ? true : form.get("useful") === "no" ? false : undefined,
      reasons: form.getAll("reasons").map(String),
      comment: String(form.get("comment") ?? ""),
      versionId: form.get("version") || undefined,
    });
    await rateItem(context.app.db, { user, itemId, input });
    return back();
  } catch (error) {
    if (error instanceof ZodError) {
      return back(error.issues[0]?.path[0] === "useful" ? "Choose Yes or No." : error.issues.map((i) => i.message).join(" "));
    }
    if (error instanceof AppError && error.status !== 404) return back(error.message);
    if (error instanceof AppError) throw new Response(error.message, { status: error.status });
    throw error;
  }
}
