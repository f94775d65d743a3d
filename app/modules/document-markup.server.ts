// The loader's half of app/components/document-markup.tsx: markup for a document request goes to the
// server render only; for a data request it stays in the loader's data.
import type { AppContext } from "./context.server";

/** A loader's markup: `html` is absent when it went out with the document only. */
export type Markup = { key: string; html?: string };

/** Each entry of `drawn` as Markup keyed `prefix-name` (null stays null). */
export function documentMarkup<K extends string>(
  ctx: AppContext,
  prefix: string,
  drawn: Record<K, string | null>,
): Record<K, Markup | null> {
  const out = {} as Record<K, Markup | null>;
  for (const [name, html] of Object.entries(drawn) as [K, string | null][]) {
    const key = `${prefix}-${name}`;
    if (html === null) out[name] = null;
    else if (ctx.documentMarkup) {
      ctx.documentMarkup.set(key, html);
      out[name] = { key };
    } else out[name] = { key, html };
  }
  return out;
}
