// /s/<token>: the buyer's page. No account; the token is the only key. Random, expired and revoked
// tokens get the same 404 page; an optional email gate comes first when the seller asked for it.
import { randomBytes } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "~/modules/errors.server";
import { limitBuyer, loadBuyerShare } from "~/modules/shares/buyer.server";
import { gateCookie, gateEmail } from "~/modules/shares/gate.server";
import { buyerHeaders, emailGatePage, sharePage, unavailablePage } from "~/modules/shares/page.server";
import { readForm } from "~/modules/request-body.server";

function failure(error: unknown, nonce: string): Response {
  if (error instanceof AppError && error.code === "rate_limited") {
    return new Response(unavailablePage(nonce).replace("This link is not available", "Too many requests"), {
      status: 429,
      headers: buyerHeaders(nonce, { "Retry-After": String(error.details?.retryAfterS ?? 60) }),
    });
  }
  if (error instanceof AppError && error.code === "not_found") {
    return new Response(unavailablePage(nonce), { status: 404, headers: buyerHeaders(nonce) });
  }
  throw error;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const nonce = context.cspNonce ?? randomBytes(16).toString("base64");
  const token = params.token ?? "";
  try {
    limitBuyer(context.app, "page", context.app.clientAddress ?? "local");
    const share = await loadBuyerShare(context.app.db, token);
    if (share.requireEmail && !(await gateEmail(context.app.env.SESSION_SECRET, request, token))) {
      return new Response(emailGatePage(nonce, share), { status: 200, headers: buyerHeaders(nonce) });
    }
    return new Response(sharePage(nonce, share), { status: 200, headers: buyerHeaders(nonce) });
  } catch (error) {
    return failure(error, nonce);
  }
}

const EmailForm = z.object({ email: z.email("Enter a valid email address.").max(254) });

/** The email gate's form: remember the address for this link only (a cookie scoped to its path). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const nonce = context.cspNonce ?? randomBytes(16).toString("base64");
  const token = params.token ?? "";
  try {
    limitBuyer(context.app, "page", context.app.clientAddress ?? "local");
    const share = await loadBuyerShare(context.app.db, token);
    const form = Object.fromEntries(await readForm(request));
    const parsed = EmailForm.safeParse({
      email: String(form.email ?? "")
        .trim()
        .toLowerCase(),
    });
    if (!parsed.success) {
      return new Response(emailGatePage(nonce, share, "Enter a valid email address."), { status: 400, headers: buyerHeaders(nonce) });
    }
    const cookie = await gateCookie(context.app.env.SESSION_SECRET, token).serialize(parsed.data.email);
    return new Response(null, { status: 303, headers: { Location: `/s/${token}`, "Set-Cookie": cookie, "Cache-Control": "no-store" } });
  } catch (error) {
    return failure(error, nonce);
  }
}
