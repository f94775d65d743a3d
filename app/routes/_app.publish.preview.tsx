// The messaging editor's live preview: Markdown in, the same sanitised HTML sellers will see out.
import { type ActionFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";
import { previewMarkdown } from "~/modules/library/markdown-cache.server";
import { LONG_FORM_MAX_BYTES, readForm } from "~/modules/request-body.server";

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUser(context.app, request, ["marketer", "admin"]);
  const form = await readForm(request, LONG_FORM_MAX_BYTES);
  return { html: previewMarkdown(String(form.get("body") ?? "")) };
}
