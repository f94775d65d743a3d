// The audit page's action filter lists every action the code records: an action missing from it could
// only be found by scrolling. Scans app/modules for `action: "…"` in recordAudit calls. And every one of
// them reads as a sentence on the page.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { ITEM_ACTIONS, OTHER_ACTIONS } from "~/modules/audit/audit.server";
import { describeAudit } from "~/modules/audit/sentences.server";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

it("offers every recorded audit action in the audit page's filter", () => {
  const recorded = new Set<string>();
  for (const file of sources("app/modules")) {
    for (const m of readFileSync(file, "utf8").matchAll(/\baction: "([a-z_]+\.[a-z_]+)"/g)) recorded.add(m[1]);
  }
  expect(recorded.size).toBeGreaterThan(10);
  const offered = new Set<string>([...Object.keys(ITEM_ACTIONS), ...OTHER_ACTIONS]);
  expect([...recorded].filter((a) => !offered.has(a)).sort()).toEqual([]);
});

it("describes every action in words, not as its raw details", () => {
  const team = "5f0c6d1e-8a8b-4c1e-9a3b-2f1d0c9b8a7e";
  const known = { teams: new Map([[team, "Field East"]]), users: new Map([[team, "Lee Lead"]]) };
  // Every key any action records, so an action without its own sentence falls through to the JSON.
  const details = {
    title: "Deck",
    from: "seller",
    to: "marketer",
    version: 2,
    email: "pat@example.test",
    role: "seller",
    teamId: team,
    userId: team,
    name: "CRM sync",
    region: "EMEA",
    issuer: "https://login.example.test/tenant",
    subject: "abc",
    reason: "email_unverified",
    host: "fcm.googleapis.com",
    browsers: 2,
    invitationId: team,
    via: "sso",
    sessionsRevoked: true,
    apiTokensRevoked: 2,
    label: "Retail",
    facet: "industry",
    value: "retail",
    into: { label: "Retail", value: "retail" },
    items: 3,
    itemIds: [team],
    expiresAt: "2027-01-01T00:00:00Z",
    revokedAt: "2026-12-01T10:00:00Z",
    publishAt: "2026-12-24T09:00:00Z",
  };
  for (const action of [...Object.keys(ITEM_ACTIONS), ...OTHER_ACTIONS]) {
    const line = describeAudit(action, details, known);
    expect(line, action).not.toMatch(/[{"]/);
    expect(line, action).not.toContain(team);
  }
  expect(describeAudit("user.team_changed", { from: null, to: team }, known)).toBe("Team: no team → Field East");
  // A live link's items: added, put back after being taken off, or both in one post.
  expect(describeAudit("share.items_added", { itemIds: [team, team] }, known)).toBe("Added 2 item(s) to the link");
  expect(describeAudit("share.items_added", { itemIds: [], restored: [team] }, known)).toBe("Put 1 item(s) back on the link");
  expect(describeAudit("share.items_added", { itemIds: [team], restored: [team] }, known)).toBe(
    "Added 1 item(s) to the link and put 1 back",
  );
  expect(describeAudit("share.item_removed", { itemId: team, title: "Q3 pricing", position: 2 }, known)).toBe(
    "Took “Q3 pricing” off the link: the buyer no longer sees it",
  );
  expect(describeAudit("invitation.created", { email: "pat@example.test", role: "manager", teamId: team }, known)).toBe(
    "Invitation to pat@example.test sent: Manager, Field East",
  );
});
