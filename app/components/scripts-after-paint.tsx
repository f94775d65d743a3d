// Hydration scripts start after the first paint (docs/decisions/015-lighthouse-and-axe.md). The server
// turns Remix's module script and modulepreload links inert and hands over the small script that starts
// them once the page has painted (app/modules/document-scripts.server.ts); this renders it right after
// <Scripts>. The browser reads the text back from the DOM, so hydration matches without the script's
// source riding in every page's JavaScript.
import { createContext, useContext } from "react";
import { useNonce } from "./nonce";

const AfterPaint = createContext<string | null>(null);
export const ScriptsAfterPaintProvider = AfterPaint.Provider;
const ID = "scripts-after-paint";

export function ScriptsAfterPaint() {
  const nonce = useNonce();
  const server = useContext(AfterPaint);
  const script = typeof document === "undefined" ? server : (document.getElementById(ID)?.textContent ?? null);
  // None in development, where the server leaves Remix's tags as they are.
  if (script === null) return null;
  // suppressHydrationWarning: React leaves a script's text alone on hydration; it never runs twice.
  return <script id={ID} nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: script }} />;
}
