// Where an outgoing message stands, in the database and on the admin's outbox page.
export const MAIL_STATUSES = ["queued", "sent", "local", "failed"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export const MAIL_STATUS_LABEL: Record<MailStatus, string> = {
  queued: "Waiting to send",
  sent: "Sent",
  local: "In the local outbox",
  failed: "Failed",
};
