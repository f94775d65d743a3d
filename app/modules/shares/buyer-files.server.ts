// The two file routes of a share (original and page previews) answer the same way around the file itself:
// rate limited per address, the email gate consulted, and a share the buyer may not see told apart from
// nothing (the same plain text, never cached or indexed).
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { MAX_SHARE_POSITIONS } from "@/vocabulary/shares";
import { limitBuyer, MAX_PAGE, UNAVAILABLE_MESSAGE } from "./buyer.server";
import { gateEmail } from "./gate.server";

/** An item's number in a link's address, as the database can hold it: 3,000,000,000 is not an error. */
export const isPosition = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_SHARE_POSITIONS;
/** A page's number (0 is an image or video item itself). */
export const isPage = (p: number) => Number.isInteger(p) && p >= 0 && p <= MAX_PAGE;

export async function serveBuyerFile(
  app: AppContext,
  request: Request,
  {
    token,
    valid,
    cacheControl,
    open,
  }: {
    token: string;
    /** Whether the route's params name a file at all; if not, the answer is the unavailable one. */
    valid: boolean;
    cacheControl: string;
    open: (emailGiven: boolean) => Promise<Response>;
  },
): Promise<Response> {
  try {
    if (!valid) throw new AppError("not_found", UNAVAILABLE_MESSAGE);
    limitBuyer(app, "events", app.clientAddress ?? "local");
    const emailGiven = !!(await gateEmail(app.env.SESSION_SECRET, request, token));
    const res = await open(emailGiven);
    res.headers.set("Cache-Control", cacheControl);
    res.headers.set("X-Robots-Tag", "noindex");
    return res;
  } catch (error) {
    if (error instanceof AppError)
      return new Response(error.message, { status: error.status, headers: { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" } });
    throw error;
  }
}
