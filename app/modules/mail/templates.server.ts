// Every message Fieldkit sends, as an HTML and a plain-text body from the same data. Plain text is
// what a screen reader or a text-only client shows: it must carry the link and the facts on its own.
export type RenderedMail = { subject: string; text: string; html: string };

export type MailTemplate =
  | { kind: "invitation"; inviter: string; role: string; team: string | null; url: string; expiresAt: Date; sso: string | null }
  | { kind: "password_reset"; url: string; minutes: number }
  | { kind: "password_changed"; name: string; when: Date; resetUrl: string; apiTokensRevoked?: number }
  | { kind: "notification"; title: string; lines: string[]; url: string | null; settingsUrl: string }
  | { kind: "digest"; subject: string; title: string; intro: string; sections: DigestSection[]; url: string; settingsUrl: string };

/** A heading and its lines, shown as a list in HTML and as "- " lines in plain text. */
export type DigestSection = { heading: string; items: string[]; empty: string };
type Block = string | DigestSection;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const day = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ") + " UTC";

const blockHtml = (b: Block) =>
  typeof b === "string"
    ? `<p>${esc(b)}</p>`
    : `<h2 style="font-size:16px;margin:20px 0 8px">${esc(b.heading)}</h2>\n${b.items.length ? `<ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>` : `<p>${esc(b.empty)}</p>`}`;
const blockText = (b: Block) =>
  typeof b === "string" ? [b, ""] : [b.heading, ...(b.items.length ? b.items.map((i) => `- ${i}`) : [b.empty]), ""];

function layout(title: string, paragraphs: Block[], action: { label: string; url: string } | null, footer: string): string {
  const button = action
    ? `<p style="margin:24px 0"><a href="${esc(action.url)}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${esc(action.label)}</a></p>
<p style="color:#4b5563;font-size:14px">Or paste this address into your browser:<br>${esc(action.url)}</p>`
    : "";
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body style="font:16px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:#111827;margin:0;padding:24px;background:#f9fafb">
<main style="max-width:34rem;margin:0 auto;background:#ffffff;padding:24px;border-radius:8px">
<p style="font-weight:700;color:#1d4ed8;margin:0 0 16px">Fieldkit</p>
<h1 style="font-size:20px;margin:0 0 16px">${esc(title)}</h1>
${paragraphs.map(blockHtml).join("\n")}
${button}
<p style="color:#6b7280;font-size:13px;margin-top:24px">${esc(footer)}</p>
</main></body></html>`;
}

const text = (title: string, paragraphs: Block[], action: { label: string; url: string } | null, footer: string) =>
  [title, "", ...paragraphs.flatMap(blockText), ...(action ? [`${action.label}: ${action.url}`, ""] : []), "--", footer, ""].join("\n");

function compose(
  subject: string,
  title: string,
  paragraphs: Block[],
  action: { label: string; url: string } | null,
  footer: string,
): RenderedMail {
  return { subject, text: text(title, paragraphs, action, footer), html: layout(title, paragraphs, action, footer) };
}

export function renderMail(t: MailTemplate): RenderedMail {
  switch (t.kind) {
    case "invitation":
      return compose(
        "You're invited to Fieldkit",
        "You're invited to Fieldkit",
        [
          `${t.inviter} invited you to join Fieldkit as a ${t.role}${t.team ? ` in ${t.team}` : ""}.`,
          t.sso ? `Choose a password, or sign in with ${t.sso}.` : "Choose your name and a password to get started.",
          `The link works once and expires on ${day(t.expiresAt)}.`,
        ],
        { label: "Accept the invitation", url: t.url },
        "If you did not expect this invitation, you can ignore this message.",
      );
    case "password_reset":
      return compose(
        "Reset your Fieldkit password",
        "Reset your password",
        [`Someone (hopefully you) asked to reset the password for this address. The link works once and expires in ${t.minutes} minutes.`],
        { label: "Choose a new password", url: t.url },
        "If you did not ask for this, ignore this message: your password stays as it is.",
      );
    case "password_changed":
      return compose(
        "Your Fieldkit password was changed",
        "Your password was changed",
        [
          `Hi ${t.name}, the password for your Fieldkit account was changed on ${day(t.when)} and every other session was signed out.`,
          ...(t.apiTokensRevoked
            ? [
                `Your ${t.apiTokensRevoked === 1 ? "API token was" : `${t.apiTokensRevoked} API tokens were`} revoked too; make new ones on Me.`,
              ]
            : []),
        ],
        { label: "Not you? Reset it now", url: t.resetUrl },
        "You receive this message for your account's safety; it cannot be turned off.",
      );
    case "notification":
      return compose(
        t.title,
        t.title,
        t.lines,
        t.url ? { label: "Open in Fieldkit", url: t.url } : null,
        `Choose which notifications you get by email on Me: ${t.settingsUrl}`,
      );
    case "digest":
      return compose(
        t.subject,
        t.title,
        [t.intro, ...t.sections],
        { label: "Open in Fieldkit", url: t.url },
        `Choose which digests you get on Me: ${t.settingsUrl}`,
      );
  }
}
