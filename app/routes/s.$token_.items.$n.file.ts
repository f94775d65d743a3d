// /s/<token>/items/<n>/file: the original, only when the seller allowed downloads (videos play in place).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { fileResponse } from "~/modules/library/serve-file.server";
import { openBuyerFile } from "~/modules/shares/buyer.server";
import { isPosition, serveBuyerFile } from "~/modules/shares/buyer-files.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const n = Number(params.n);
  const token = params.token ?? "";
  return serveBuyerFile(context.app, request, {
    token,
    valid: isPosition(n),
    cacheControl: "private, no-store",
    open: async (emailGiven) => {
      const { file, download } = await openBuyerFile(context.app, { token, position: n, emailGiven });
      return fileResponse(request, file, { download });
    },
  });
}
