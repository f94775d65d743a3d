// Messaging is written in Markdown and shown as HTML. Markdown allows raw HTML, so the rendered output
// is sanitised with an allow-list: no scripts, no event handlers, no styles, only safe link schemes.
import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

const marked = new Marked({ gfm: true, breaks: true, async: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: { a: ["href", "title"], th: ["align"], td: ["align"], ol: ["start"] },
  allowedSchemes: ["http", "https", "mailto", "tel"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    // Links leave the portal in a new tab and cannot reach back into it.
    a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow", target: "_blank" }),
  },
};
SANITIZE.allowedAttributes = { ...(SANITIZE.allowedAttributes as object), a: ["href", "title", "rel", "target"] };

/**
 * Quotes and lists nest deeper than this only in hostile input. marked recurses once per level and
 * re-reads a nested block at every level, so 200 KB of `>` overflowed the stack and 2,000 indented
 * list levels took minutes (found by test/unit/fuzz-markdown.test.ts). Deeper levels are flattened.
 */
export const MAX_NESTING = 16;
/** Indentation in columns (tab = 4) beyond which a line is treated as if it were at this depth. */
const MAX_INDENT = 4 * MAX_NESTING;
/** The container markers that open a level: `>`, or a list bullet/number followed by a space. */
const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)))+[ \t]*/;
const MARKER = />|[-+*]|\d{1,9}[.)]/g;

const columns = (s: string) => s.length + 3 * (s.split("\t").length - 1);

function boundNesting(markdown: string): string {
  return markdown.replace(/^[ \t>+*\-\d].*$/gm, (line) => {
    const indent = /^[ \t]*/.exec(line)![0];
    const prefix = CONTAINER_PREFIX.exec(line)?.[0] ?? indent;
    if (columns(prefix) <= MAX_INDENT) return line;
    const markers = (prefix.match(MARKER) ?? []).slice(0, MAX_NESTING);
    const rest = line.slice(prefix.length);
    return markers.length ? `${markers.join(" ")} ${rest}` : " ".repeat(MAX_INDENT) + rest;
  });
}

/** Markdown to unsanitised HTML; input that still defeats the parser is shown as plain text. */
function parse(markdown: string): string {
  try {
    return marked.parse(boundNesting(markdown)) as string;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return `<p>${markdown.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</p>`;
  }
}

export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(parse(markdown), SANITIZE);
}

/** Plain text for search and the offline catalogue: the rendered HTML without tags. */
export function markdownToText(markdown: string): string {
  return sanitizeHtml(parse(markdown), { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
