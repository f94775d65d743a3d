// Messaging bodies as sanitised HTML: the item page's cache and the editor's preview.
import { renderMarkdown } from "@/content/markdown";
import { AppError } from "~/modules/errors.server";

// Rendering and sanitising Markdown costs more than the rest of the item page; a version's body is
// keyed by its id and compared in full, so an edited body is never served stale.
const renderedBodies = new Map<string, { body: string; html: string }>();
export function renderMarkdownCached(versionId: string, body: string): string {
  const hit = renderedBodies.get(versionId);
  if (hit && hit.body === body) return hit.html;
  const html = renderMarkdown(body);
  if (renderedBodies.size >= 500) renderedBodies.delete(renderedBodies.keys().next().value!);
  renderedBodies.set(versionId, { body, html });
  return html;
}

/** The editor's preview; bounded like the stored body. */
export function previewMarkdown(body: string): string {
  if (body.length > 200_000) throw new AppError("payload_too_large", "Messaging is at most 200,000 characters.");
  return renderMarkdown(body);
}
