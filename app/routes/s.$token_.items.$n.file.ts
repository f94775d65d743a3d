// /s/<token>/items/<n>/file: the original, only when the seller allowed downloads (videos play in place).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { AppError } from "~/modules/errors.server";
import { fileResponse } from "~/modules/library/serve-file.server";
import { gateEmail } from "~/modules/shares/gate.server";
import { limitBuyer, openBuyerFile, UNAVAILABLE_MESSAGE } from "~/modules/shares/buyer.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const n = Number(params.n);
  try {
    if (!Number.isInteger(n) || n < 1) throw new AppError("not_found", UNAVAILABLE_MESSAGE);
    limitBuyer(context.app, "events", context.app.clientAddress ?? "local");
    const token = params.token ?? "";
    const emailGiven = !!(await gateEmail(context.app.env.SESSION_SECRET, request, token));
    const { file, download } = await openBuyerFile(context.app, { token, position: n, emailGiven });
    const res = fileResponse(request, file, { download });
    res.headers.set("Cache-Control", "private, no-store");
    res.headers.set("X-Robots-Tag", "noindex");
    return res;
  } catch (error) {
    if (error instanceof AppError)
      return new Response(error.message, { status: error.status, headers: { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } });
    throw error;
  }
}
