// The app's stylesheet, inlined into sellers' documents: on a slow phone network the first paint comes with
// the HTML instead of one more round trip for app.css (docs/decisions/015-lighthouse-and-axe.md).
import { useRouteLoaderData } from "@remix-run/react";
import { createContext, useContext } from "react";

const InlineCss = createContext<string | null>(null);
export const InlineCssProvider = InlineCss.Provider;
const ID = "app-css";

/** In the browser: the CSS the server inlined, read back so hydration renders exactly what it did. */
export const inlinedCss = () => (typeof document === "undefined" ? null : (document.getElementById(ID)?.textContent ?? null));

/**
 * Inlined for sellers' pages (and sign-in and error pages), the phones on slow networks; desk pages link
 * the file instead, which the browser caches across the many pages a desk session opens and which keeps
 * ~24 KB out of each of their documents (the 100 KB page budget of issue #17). The server decides by the
 * signed-in role; the browser keeps whatever the document came with for the whole session, so a
 * client-side navigation never swaps the stylesheet (and flashes an unstyled page).
 */
export function AppStyles({ href }: { href: string }) {
  const css = useContext(InlineCss);
  const shell = useRouteLoaderData("routes/_app") as { user?: { role?: string } } | undefined;
  const deskDocument = typeof document === "undefined" && shell?.user?.role !== undefined && shell.user.role !== "seller";
  // Without the text (the built file could not be read), the ordinary stylesheet link.
  return css === null || deskDocument ? <link rel="stylesheet" href={href} /> : <style id={ID} dangerouslySetInnerHTML={{ __html: css }} />;
}
