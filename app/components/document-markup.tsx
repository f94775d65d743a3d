// Markup a loader drew on the server (the insight charts' SVG), sent once. On the page's first load it
// goes out only as HTML: the loader leaves it out of its data (which would carry it a second time, as
// escaped JSON, in the same document) and hands it to the server render through this context; the
// browser then reads it back from the DOM to hydrate. Later loads of the page's data (a client-side
// navigation, a revalidation) carry it in the data as usual. See app/modules/document-markup.server.ts.
import { createContext, useContext } from "react";
import type { Markup } from "~/modules/document-markup.server";

const DocumentMarkup = createContext<ReadonlyMap<string, string> | null>(null);
export const DocumentMarkupProvider = DocumentMarkup.Provider;

export const markupElementId = (key: string) => `markup-${key}`;

/** The markup to render, wherever it is: the data, the server render's context, or the hydrating DOM. */
export function useMarkup(markup: Markup | null): string | null {
  const server = useContext(DocumentMarkup);
  if (!markup) return null;
  if (markup.html !== undefined) return markup.html;
  if (server) return server.get(markup.key) ?? null;
  return typeof document === "undefined" ? null : (document.getElementById(markupElementId(markup.key))?.innerHTML ?? null);
}
