// The "ask for an email first" gate: the address the viewer gave, in a signed HttpOnly cookie scoped to
// this one link's path, so it reaches the link's page, previews and file and nothing else.
import { createCookie } from "@remix-run/node";

const MAX_AGE_S = 30 * 86_400;

export const gateCookie = (secret: string, token: string) =>
  createCookie("fk_share_email", { path: `/s/${token}`, httpOnly: true, sameSite: "lax", secrets: [secret], maxAge: MAX_AGE_S });

export async function gateEmail(secret: string, request: Request, token: string): Promise<string | null> {
  const value = await gateCookie(secret, token).parse(request.headers.get("cookie"));
  return typeof value === "string" && value ? value : null;
}
