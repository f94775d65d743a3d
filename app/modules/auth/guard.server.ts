// Turning a request into a user: session cookie for the browser, Bearer token for integrations.
import { createCookie, redirect } from "@remix-run/node";
import { DEVICE_USER_HEADER } from "@/vocabulary/accounts";
import type { Role } from "@/vocabulary/people";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { SESSION_TTL_MS, userForApiToken, userForSessionToken, type SessionUser } from "./session.server";

const COOKIE_NAME = "fk_session";
const cookies = new Map<string, ReturnType<typeof createCookie>>();

function sessionCookie(secret: string) {
  let cookie = cookies.get(secret);
  if (!cookie) {
    cookie = createCookie(COOKIE_NAME, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secrets: [secret],
      maxAge: SESSION_TTL_MS / 1000,
    });
    cookies.set(secret, cookie);
  }
  return cookie;
}

/** Secure cookies whenever the browser reached us over HTTPS (directly or through a proxy that says so). */
function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

const OIDC_COOKIE = "fk_oidc";
const oidcCookies = new Map<string, ReturnType<typeof createCookie>>();

/** Binds an SSO sign-in to the browser that started it: the callback's state must equal this cookie. */
function oidcCookie(secret: string) {
  let cookie = oidcCookies.get(secret);
  if (!cookie) {
    cookie = createCookie(OIDC_COOKIE, { httpOnly: true, sameSite: "lax", path: "/auth/oidc", secrets: [secret], maxAge: 600 });
    oidcCookies.set(secret, cookie);
  }
  return cookie;
}

export const commitOidcCookie = (ctx: AppContext, request: Request, state: string) =>
  oidcCookie(ctx.env.SESSION_SECRET).serialize(state, { secure: isHttps(request) });
export const clearOidcCookie = (ctx: AppContext, request: Request) =>
  oidcCookie(ctx.env.SESSION_SECRET).serialize("", { maxAge: 0, secure: isHttps(request) });
export async function readOidcCookie(ctx: AppContext, request: Request): Promise<string | null> {
  const value = await oidcCookie(ctx.env.SESSION_SECRET).parse(request.headers.get("cookie"));
  return typeof value === "string" && value ? value : null;
}

export function commitSessionCookie(ctx: AppContext, request: Request, token: string): Promise<string> {
  return sessionCookie(ctx.env.SESSION_SECRET).serialize(token, { secure: isHttps(request) });
}

export function clearSessionCookie(ctx: AppContext, request: Request): Promise<string> {
  return sessionCookie(ctx.env.SESSION_SECRET).serialize("", { maxAge: 0, secure: isHttps(request) });
}

export async function readSessionToken(ctx: AppContext, request: Request): Promise<string | null> {
  const value = await sessionCookie(ctx.env.SESSION_SECRET).parse(request.headers.get("cookie"));
  return typeof value === "string" && value.length > 0 ? value : null;
}

/**
 * A request that says "Bearer" is a script's, signed in by its token or not at all: the CSRF check lets
 * any "Bearer" through (server/http.ts), so one that is malformed must not fall back to the cookie.
 * `undefined` when there is no such header (a proxy's `Basic` is not ours to read).
 */
function bearerToken(request: Request): string | null | undefined {
  const header = request.headers.get("authorization") ?? "";
  if (!/^Bearer\s/i.test(header)) return undefined;
  return header.match(/^Bearer\s+(\S{10,200})$/i)?.[1] ?? null;
}

export type AuthMethod = "cookie" | "token";

export type FoundUser = {
  user: SessionUser;
  method: AuthMethod;
  /** Sellers' unread replies from marketing, when the session look-up brought them (cookie sign-ins). */
  unreadReplies?: number;
  /** Unread in-app notifications, likewise. */
  unreadNotifications?: number;
};

export function getUser(ctx: AppContext, request: Request): Promise<FoundUser | null> {
  if (!ctx.requestCache) return lookUpUser(ctx, request);
  const key = `user:${request.headers.get("authorization") ?? ""}|${request.headers.get("cookie") ?? ""}`;
  let found = ctx.requestCache.get(key) as ReturnType<typeof lookUpUser> | undefined;
  if (!found) {
    found = lookUpUser(ctx, request);
    ctx.requestCache.set(key, found);
  }
  return found;
}

async function lookUpUser(ctx: AppContext, request: Request): Promise<FoundUser | null> {
  const bearer = bearerToken(request);
  if (bearer !== undefined) {
    const user = bearer ? await userForApiToken(ctx.db, bearer) : null;
    return user ? { user, method: "token" } : null;
  }
  const token = await readSessionToken(ctx, request);
  if (!token) return null;
  const found = await userForSessionToken(ctx.db, token);
  if (!found) return null;
  const { unreadReplies, unreadNotifications, ...user } = found;
  return { user, method: "cookie", unreadReplies, unreadNotifications };
}

/**
 * Where to bring someone back to after signing in: the page they asked for, or for a form post (a
 * session that ended mid-edit) the page the form was on. The post's own address can be an action
 * with no page of its own (the editor's live preview), and the form's kept copy waits on its page.
 */
function returnPath(request: Request): string {
  const url = new URL(request.url);
  const referer = request.method === "GET" || request.method === "HEAD" ? null : request.headers.get("referer");
  if (referer && URL.canParse(referer)) {
    const from = new URL(referer);
    if (from.origin === url.origin) return from.pathname + from.search;
  }
  return url.pathname + url.search;
}

/** Pages: an anonymous (or expired) visitor is sent to sign in and brought back afterwards. */
export async function requireUser(ctx: AppContext, request: Request, roles?: readonly Role[]): Promise<SessionUser> {
  const found = await getUser(ctx, request);
  if (!found) {
    const params = new URLSearchParams({ redirectTo: returnPath(request) });
    const headers = new Headers();
    // A cookie that no longer signs anyone in: the session ended (expired, or signed out elsewhere), and
    // the sign-in page says so rather than looking like a first visit.
    if (await readSessionToken(ctx, request)) {
      headers.append("Set-Cookie", await clearSessionCookie(ctx, request));
      params.set("ended", "1");
    }
    throw redirect(`/login?${params}`, { headers });
  }
  if (roles && !roles.includes(found.user.role)) {
    throw new Response("This page is not available for your role.", { status: 403, statusText: "Forbidden" });
  }
  // A token reads pages (a script fetching a CSV export), but their forms are a person's: from /me a
  // leaked token minted tokens of its own that outlived its revoking.
  if (found.method === "token" && request.method !== "GET" && request.method !== "HEAD") {
    throw new Response("API tokens work with /api/v1. This form needs you signed in in a browser.", {
      status: 403,
      statusText: "Forbidden",
    });
  }
  return found.user;
}

/** API: the same check, answered with the JSON error shape instead of a redirect. */
export async function requireApiUser(ctx: AppContext, request: Request, roles?: readonly Role[]) {
  const found = await getUser(ctx, request);
  if (!found) throw new AppError("unauthorized", "Sign in or send a valid API token.");
  // A device's outbox or sync says whose store it is: a tab of the person before, left open while someone
  // else signed in, sent that person's queued ratings and requests as the new one's (app/offline).
  const device = request.headers.get(DEVICE_USER_HEADER);
  if (device !== null && device !== found.user.id) {
    throw new AppError("unauthorized", "Someone else is signed in on this browser now. Sign in again to send what this page kept.");
  }
  if (roles && !roles.includes(found.user.role)) {
    throw new AppError("forbidden", "Your role may not do this.");
  }
  return found;
}

/** Only same-site paths: `//evil.test`, `/\evil.test` and absolute URLs fall back to the home page. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  try {
    const url = new URL(to, "http://fieldkit.invalid");
    if (url.origin !== "http://fieldkit.invalid") return fallback;
    // Checked again after parsing: dot segments collapse, and "/.//evil.test" came out as "//evil.test",
    // which a browser reads as another host.
    const path = url.pathname + url.search + url.hash;
    return path.startsWith("//") || path.startsWith("/\\") ? fallback : path;
  } catch {
    return fallback;
  }
}

export const ROLE_HOME: Record<Role, string> = {
  seller: "/home",
  marketer: "/library",
  manager: "/insights",
  admin: "/admin",
};
