// One line an admin can read for each audit entry. The details keep ids (a team renamed later is still
// the same team); the page names them when it shows them, and the raw details stay beside the line and
// in the CSV.
import { inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { teams, users } from "@/db/schema";
import { STATUS_LABEL } from "@/vocabulary/library";
import { ROLE_LABEL } from "@/vocabulary/people";
import { isUuid } from "@/vocabulary/ids";

/** Team and person names by id, for the ids a page of entries mentions in its details. */
export type AuditNames = { teams: ReadonlyMap<string, string>; users: ReadonlyMap<string, string> };

const NO_NAMES: AuditNames = { teams: new Map(), users: new Map() };

/** The team ids and user ids an entry's details hold, by action. */
function mentioned(action: string, d: Record<string, unknown>): { teams: unknown[]; users: unknown[] } {
  if (action === "user.team_changed") return { teams: [d.from, d.to], users: [] };
  if (action === "team.lead_added") return { teams: [], users: [d.userId] };
  return { teams: [d.teamId], users: [] };
}

/** Two queries for a whole page of entries, however many it holds. */
export async function auditNames(db: Db, entries: { action: string; details: Record<string, unknown> }[]): Promise<AuditNames> {
  const teamIds = new Set<string>();
  const userIds = new Set<string>();
  for (const e of entries) {
    const ids = mentioned(e.action, e.details);
    for (const id of ids.teams) if (typeof id === "string" && isUuid(id)) teamIds.add(id);
    for (const id of ids.users) if (typeof id === "string" && isUuid(id)) userIds.add(id);
  }
  const [teamRows, userRows] = await Promise.all([
    teamIds.size
      ? db
          .select({ id: teams.id, name: teams.name })
          .from(teams)
          .where(inArray(teams.id, [...teamIds]))
      : [],
    userIds.size
      ? db
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, [...userIds]))
      : [],
  ]);
  return { teams: new Map(teamRows.map((t) => [t.id, t.name])), users: new Map(userRows.map((u) => [u.id, u.name])) };
}

const names = (v: unknown) => {
  const list = Array.isArray(v) ? (v as { name?: string }[]).map((t) => t?.name ?? "?") : [];
  return list.length ? list.join(", ") : "Everyone";
};
const day = (v: unknown) => (typeof v === "string" ? v.slice(0, 10) : "none");
const minute = (v: unknown) =>
  String(v ?? "")
    .replace("T", " ")
    .slice(0, 16);
const STATUS = (status: unknown) => (STATUS_LABEL[String(status)] ?? String(status)).toLowerCase();
const role = (v: unknown) => ROLE_LABEL[String(v)] ?? String(v);
const host = (issuer: unknown) => {
  try {
    return new URL(String(issuer)).host;
  } catch {
    return String(issuer ?? "the provider");
  }
};

const tokensRevoked = (d: Record<string, unknown>) => {
  const n = Number(d.apiTokensRevoked ?? 0);
  return n > 0 ? `; ${n} API token${n === 1 ? "" : "s"} revoked` : "";
};

/** One line an admin can read, from an entry's action and details. */
export function describeAudit(action: string, details: Record<string, unknown>, known: AuditNames = NO_NAMES): string {
  const d = details as Record<string, any>;
  const comment = d.comment ? ` — “${d.comment}”` : "";
  const version = typeof d.version === "number" ? ` (v${d.version})` : "";
  // A team the details name: its name today, or "no team"; an id nobody knows any more stays visible.
  const team = (id: unknown) => (id == null ? "no team" : (known.teams.get(String(id)) ?? `a team no longer there (${String(id)})`));
  const roleAndTeam = `${role(d.role)}${d.teamId ? `, ${team(d.teamId)}` : ""}`;
  const fromProvider = d.source === "sso_claims" ? `, from ${host(d.issuer)}'s sign-in` : "";
  switch (action) {
    case "item.created":
      return `Created as a draft${version}${d.audience ? `; audience: ${names(d.audience)}` : ""}`;
    case "item.audience_changed":
      return `Audience: ${names(d.from)} → ${names(d.to)}`;
    case "item.expiry_changed":
      return `Expiry: ${day(d.from)} → ${day(d.to)}`;
    case "item.owner_changed":
      return `Owner: ${d.from?.name ?? "nobody"} → ${d.to?.name ?? "?"}`;
    case "item.verified":
      return "Content checked and marked re-verified";
    case "item.version_added":
      return `Version ${d.version}${d.filename ? ` (${d.filename})` : ""}: ${d.changelog ?? ""}`.trim();
    case "item.buyers_changed":
      return d.notForBuyers ? "Marked internal only (not for buyers)" : "Allowed to be shared with buyers";
    case "item.scheduled":
      return `${STATUS(d.from)} → publishes ${minute(d.publishAt)} UTC${version}${comment}`;
    case "share.created":
      return `Shared ${Array.isArray(d.itemIds) ? d.itemIds.length : 0} item(s)${d.recipientEmail ? ` with ${d.recipientEmail}` : ""} until ${day(d.expiresAt)}${d.allowDownload ? ", downloads allowed" : ""}`;
    case "share.extended":
      return `Share expiry: ${day(d.from)} → ${day(d.to)}`;
    case "share.items_added": {
      const [added, back] = [d.itemIds, d.restored].map((ids) => (Array.isArray(ids) ? ids.length : 0));
      if (added === 0 && back > 0) return `Put ${back} item(s) back on the link`;
      return `Added ${added} item(s) to the link${back ? ` and put ${back} back` : ""}`;
    }
    case "share.item_removed":
      return `Took “${d.title ?? "an item"}” off the link: the buyer no longer sees it`;
    case "share.revoked":
      return "Share link revoked: the buyer's link stops working";
    case "share.restored":
      return `Revoke undone: the link revoked at ${minute(d.revokedAt)} UTC is open again`;
    case "user.created":
      return `Account for ${d.email} created: ${roleAndTeam}${d.source === "sso" ? `, at a first sign-in with ${host(d.issuer)}` : ""}`;
    case "user.role_changed":
      return `Role: ${role(d.from)} → ${role(d.to)}${fromProvider}${tokensRevoked(d)}`;
    case "user.team_changed":
      return `Team: ${team(d.from)} → ${team(d.to)}${fromProvider}`;
    case "user.deactivated":
      return `Account deactivated: cannot sign in${tokensRevoked(d)}`;
    case "user.reactivated":
      return "Account reactivated: can sign in again";
    case "user.password_changed":
      return `Password changed by the account's owner${tokensRevoked(d)}`;
    case "user.password_reset_requested":
      return "Password reset link mailed on request";
    case "user.password_reset":
      return `Password set with a reset link${d.sessionsRevoked ? "; signed out everywhere" : ""}${tokensRevoked(d)}`;
    case "team.created":
      return `Team “${d.name}” created${d.region ? ` (${d.region})` : ""}`;
    case "team.lead_added":
      return `${known.users.get(String(d.userId)) ?? "Someone no longer there"} made a lead of this team`;
    case "token.created":
      return `API token “${d.name}” created`;
    case "token.revoked":
      return "API token revoked";
    case "invitation.created":
      return `Invitation to ${d.email} sent: ${roleAndTeam}`;
    case "invitation.resent":
      return `Invitation to ${d.email} sent again, with a new link`;
    case "invitation.withdrawn":
      return `Invitation to ${d.email} withdrawn: its link no longer works`;
    case "invitation.restored":
      return `Withdrawal undone: the invitation to ${d.email} is pending again, its link working`;
    case "invitation.accepted":
      return `Invitation accepted by ${d.email}${d.via === "sso" ? ` with single sign-on` : ""}: ${roleAndTeam}`;
    case "sso.signed_in":
      return `Signed in with ${host(d.issuer)}`;
    case "sso.linked":
      return `${d.email}'s account linked to ${host(d.issuer)} at its first sign-in there`;
    case "sso.refused":
      return `Sign-in with ${host(d.issuer)} refused: ${String(d.reason ?? "no reason given").replaceAll("_", " ")}`;
    case "push.subscribed":
      return `Push notifications turned on in a browser (${d.host ?? "unknown service"})`;
    case "push.unsubscribed":
      return `Push notifications turned off in ${d.browsers ?? 1} browser(s)`;
    case "tag.created":
      return `Tag “${d.label}” (${d.facet}:${d.value}) added`;
    case "tag.renamed":
      return `Tag ${d.facet}:${d.value} renamed “${d.from}” → “${d.to}”`;
    case "tag.merged":
      return `Tag “${d.from?.label}” (${d.facet}:${d.from?.value}) merged into “${d.into?.label}” (${d.facet}:${d.into?.value}); ${d.items} item(s) moved`;
    case "tag.deleted":
      return `Unused tag “${d.label}” (${d.facet}:${d.value}) deleted`;
    default:
      if (action.startsWith("item.") && d.to) return `${STATUS(d.from ?? "new")} → ${STATUS(d.to)}${version}${comment}`;
      if ("from" in d || "to" in d) return `${JSON.stringify(d.from ?? null)} → ${JSON.stringify(d.to ?? null)}`;
      return Object.keys(d).length ? JSON.stringify(d) : "";
  }
}
