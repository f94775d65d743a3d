// The demo's past: how the org was set up and how each item reached its status, written to the item's
// history and the audit log as if an admin and marketing had done it in Fieldkit. Without it the
// audit log of a fresh demo was empty and every item's history read "imported".
import type { auditLog, itemTransitions } from "@/db/schema";
import type { ItemStatus } from "@/vocabulary/library";

const DAY = 86_400_000;
const HOUR = 3_600_000;

type Transition = typeof itemTransitions.$inferInsert;
type AuditRow = typeof auditLog.$inferInsert;

const PATHS: Record<ItemStatus, ItemStatus[]> = {
  draft: ["draft"],
  in_review: ["draft", "in_review"],
  published: ["draft", "in_review", "published"],
  archived: ["draft", "in_review", "published", "archived"],
};
const ACTION: Record<ItemStatus, string> = {
  draft: "item.created",
  in_review: "item.submitted",
  published: "item.published",
  archived: "item.archived",
};
const COMMENT: Record<ItemStatus, string | null> = {
  draft: null,
  in_review: "Ready for a second pair of eyes",
  published: "Approved",
  archived: "Out of date: replaced by a newer piece",
};

/**
 * An item's moves up to its status: written by marketing two days before it went live, submitted the day
 * before, approved by an admin (never by its submitter, as the workflow requires), archived three weeks
 * later (or yesterday). Answers when it was created, its transitions and its audit entries.
 */
export function demoItemHistory(
  item: { title: string; type: string; status: ItemStatus; audience: { id: string; name: string }[] },
  { liveAt, now, marketerId, adminId }: { liveAt: Date; now: Date; marketerId: string; adminId: string },
): { createdAt: Date; rows(itemId: string): { transitions: Transition[]; audit: AuditRow[] } } {
  const steps = PATHS[item.status];
  const when: Record<ItemStatus, Date> = {
    draft: new Date(liveAt.getTime() - 2 * DAY),
    in_review: new Date(liveAt.getTime() - DAY),
    published: liveAt,
    archived: new Date(Math.min(liveAt.getTime() + 21 * DAY, now.getTime() - HOUR)),
  };
  const rows = (itemId: string) => {
    const transitions: Transition[] = [];
    const audit: AuditRow[] = [];
    steps.forEach((to, i) => {
      const from = i === 0 ? null : steps[i - 1];
      const actorId = to === "published" ? adminId : marketerId;
      transitions.push({ itemId: itemId, fromStatus: from, toStatus: to, actorId, comment: COMMENT[to], at: when[to] });
      audit.push({
        at: when[to],
        actorId,
        action: ACTION[to],
        targetType: "item",
        targetId: itemId,
        details: {
          title: item.title,
          ...(to === "draft" ? { type: item.type, audience: item.audience } : {}),
          from,
          to,
          version: 1,
          ...(COMMENT[to] ? { comment: COMMENT[to] } : {}),
        },
      });
    });
    return { transitions, audit };
  };
  return { createdAt: when.draft, rows };
}

/** The admin setting up the org three months ago: teams, accounts and the manager's teams. */
export function demoSetupAudit({
  now,
  adminId,
  teams,
  people,
  leads,
}: {
  now: Date;
  adminId: string;
  teams: { id: string; name: string; region: string | null }[];
  people: { id: string; email: string; role: string; teamId: string | null }[];
  leads: { userId: string; teamId: string }[];
}): AuditRow[] {
  let at = now.getTime() - 90 * DAY;
  const next = () => new Date((at += 2 * 60_000));
  return [
    ...teams.map((t) => ({
      at: next(),
      actorId: adminId,
      action: "team.created",
      targetType: "team",
      targetId: t.id,
      details: { name: t.name, region: t.region },
    })),
    // The admin's own account came with the installation.
    ...people
      .filter((p) => p.id !== adminId)
      .map((p) => ({
        at: next(),
        actorId: adminId,
        action: "user.created",
        targetType: "user",
        targetId: p.id,
        details: { email: p.email, role: p.role, teamId: p.teamId },
      })),
    ...leads.map((l) => ({
      at: next(),
      actorId: adminId,
      action: "team.lead_added",
      targetType: "team",
      targetId: l.teamId,
      details: { userId: l.userId },
    })),
  ];
}
