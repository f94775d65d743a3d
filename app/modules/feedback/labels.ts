// Words shown for reasons and request statuses. Plain constants (not .server) so pages can render them.
export const REASON_LABEL: Record<string, string> = {
  outdated: "Outdated",
  wrong_audience: "Wrong audience",
  too_long: "Too long",
  missing_proof_point: "Missing proof point",
  hard_to_find: "Hard to find",
  won_the_meeting: "Won the meeting",
  clear_and_concise: "Clear and concise",
};

/** Mirrors REQUEST_STATUSES in db/schema/feedback.ts, without pulling the schema into the browser. */
export const REQUEST_STATUS_OPTIONS = ["new", "planned", "done", "declined"] as const;
export const STATUS_LABEL: Record<(typeof REQUEST_STATUS_OPTIONS)[number], string> = { new: "New", planned: "Planned", done: "Done", declined: "Declined" };
