// /s/<token>/items/<n>/pages/<p>?w=: a page (or image) preview of the share's n-th item, by token only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { fileResponse } from "~/modules/library/serve-file.server";
import { openBuyerPreview } from "~/modules/shares/buyer.server";
import { isPage, isPosition, serveBuyerFile } from "~/modules/shares/buyer-files.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const n = Number(params.n);
  const p = Number(params.p);
  const w = Number(new URL(request.url).searchParams.get("w")) || undefined;
  const token = params.token ?? "";
  return serveBuyerFile(context.app, request, {
    token,
    valid: isPosition(n) && isPage(p) && (w === undefined || (w >= 1 && w <= 4000)),
    // Revocable: the browser may keep it briefly, nothing else may.
    cacheControl: "private, max-age=300",
    open: async (emailGiven) =>
      fileResponse(request, await openBuyerPreview(context.app, { token, position: n, n: p, width: w, emailGiven })),
  });
}
