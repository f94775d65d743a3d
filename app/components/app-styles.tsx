// The app's stylesheet, inlined into every document: on a slow phone network the first paint comes with
// the HTML instead of one more round trip for app.css (docs/decisions/015-lighthouse-and-axe.md).
import { createContext, useContext } from "react";

const InlineCss = createContext<string | null>(null);
export const InlineCssProvider = InlineCss.Provider;
const ID = "app-css";

/** In the browser: the CSS the server inlined, read back so hydration renders exactly what it did. */
export const inlinedCss = () => (typeof document === "undefined" ? null : (document.getElementById(ID)?.textContent ?? null));

export function AppStyles({ href }: { href: string }) {
  const css = useContext(InlineCss);
  // Without the text (the built file could not be read), the ordinary stylesheet link.
  return css === null ? <link rel="stylesheet" href={href} /> : <style id={ID} dangerouslySetInnerHTML={{ __html: css }} />;
}
