// What the account screens need to know from configuration, derived in one place.
import type { AppContext } from "~/modules/context.server";
import type { InviteSettings } from "~/modules/people/invitations.server";

/** SSO-only mode keeps passwords for admins alone (their break-glass way in when the provider is down). */
export const passwordsFor = (ctx: AppContext): "everyone" | "admins" => (ctx.env.ssoOnly ? "admins" : "everyone");

export const inviteSettings = (ctx: AppContext): InviteSettings => ({ publicUrl: ctx.env.PUBLIC_URL, ssoName: ctx.env.oidc?.name ?? null });

export const clientKey = (ctx: AppContext) => ctx.clientAddress ?? "unknown";

/** Mail and other jobs were queued in a committed transaction: start on them now rather than at the next poll. */
export const wakeJobs = (ctx: AppContext) => ctx.services.jobs?.wake();
