// Text that came out of a user's file, made safe to store: PostgreSQL refuses NUL in text, and JSON
// or XML consumers choke on lone surrogates and other non-characters.

/** Control characters other than tab, line feed and carriage return, and the non-characters U+FFFE/U+FFFF. */
const UNSTORABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function cleanText(text: string): string {
  return text.replace(UNSTORABLE, "").replace(LONE_SURROGATE, "\ufffd");
}

/** An error message fit for a database row and a person: cleaned, one paragraph, bounded. */
export function storableMessage(message: string, max = 500): string {
  const clean = cleanText(message).replace(/\s+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
