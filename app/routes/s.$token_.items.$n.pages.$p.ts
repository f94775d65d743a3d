// /s/<token>/items/<n>/pages/<p>?w=: a page (or image) preview of the share's n-th item, by token only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { AppError } from "~/modules/errors.server";
import { fileResponse } from "~/modules/library/serve-file.server";
import { gateEmail } from "~/modules/shares/gate.server";
import { limitBuyer, openBuyerPreview, UNAVAILABLE_MESSAGE } from "~/modules/shares/buyer.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const n = Number(params.n);
  const p = Number(params.p);
  const w = Number(new URL(request.url).searchParams.get("w")) || undefined;
  try {
    if (!Number.isInteger(n) || !Number.isInteger(p) || n < 1 || p < 0 || (w !== undefined && (w < 1 || w > 4000))) {
      throw new AppError("not_found", UNAVAILABLE_MESSAGE);
    }
    limitBuyer(context.app, "events", context.app.clientAddress ?? "local");
    const token = params.token ?? "";
    const emailGiven = !!(await gateEmail(context.app.env.SESSION_SECRET, request, token));
    const res = fileResponse(request, await openBuyerPreview(context.app, { token, position: n, n: p, width: w, emailGiven }));
    // Revocable: the browser may keep it briefly, nothing else may.
    res.headers.set("Cache-Control", "private, max-age=300");
    res.headers.set("X-Robots-Tag", "noindex");
    return res;
  } catch (error) {
    if (error instanceof AppError)
      return new Response(error.message, { status: error.status, headers: { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } });
    throw error;
  }
}
