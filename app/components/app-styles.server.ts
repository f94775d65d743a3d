// Reads the built stylesheet once, for AppStyles to inline (app/components/app-styles.tsx).
import { readFileSync } from "node:fs";
import path from "node:path";

const cache = new Map<string, string | null>();

/** `href` is the URL Remix gives for app.css (/build/_assets/app-HASH.css), served from public/. */
export function builtCss(href: string): string | null {
  if (!cache.has(href)) {
    let css: string | null;
    try {
      css = readFileSync(path.join("public", href), "utf8");
    } catch {
      css = null;
    }
    cache.set(href, css);
  }
  return cache.get(href)!;
}
