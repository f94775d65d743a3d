// The document stream's side of app/components/scripts-after-paint.tsx: Remix's module script and its
// modulepreload links become inert tags, which the page's own script starts after the first paint.
import { StringDecoder } from "node:string_decoder";
import { Transform } from "node:stream";

/**
 * Replaces literal strings in a text stream, whatever the chunk boundaries: a chunk's last
 * (longest pattern − 1) characters wait for the next chunk, since a match may straddle them.
 */
export function replaceInStream(replacements: readonly (readonly [from: string, to: string])[]): Transform {
  const decoder = new StringDecoder("utf8");
  const hold = Math.max(...replacements.map(([from]) => from.length)) - 1;
  let carry = "";
  const replaceAll = (text: string) => replacements.reduce((t, [from, to]) => t.split(from).join(to), text);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const text = replaceAll(carry + decoder.write(chunk));
      // Held back: only characters that could begin a pattern the next chunk completes.
      const cut = Math.max(0, text.length - hold);
      carry = text.slice(cut);
      done(null, text.slice(0, cut));
    },
    flush(done) {
      done(null, replaceAll(carry + decoder.end()));
    },
  });
}

/** What Remix's module script and its modulepreload links become. */
const DEFERRED_MODULE_TYPE = "fieldkit/after-paint";
const DEFERRED_PRELOAD_REL = "fieldkit-after-paint";

/**
 * The tags React renders for Remix's <Scripts> (`async: true` renders as `async=""`). User content never
 * matches: React escapes quotes in text and attribute values.
 */
export const deferModuleScripts = (): Transform =>
  replaceInStream([
    ['type="module" async=""', `type="${DEFERRED_MODULE_TYPE}"`],
    ['rel="modulepreload"', `rel="${DEFERRED_PRELOAD_REL}"`],
  ]);

/**
 * The page's side (rendered by app/components/scripts-after-paint.tsx): adds the real tags on the first
 * contentful paint, or two frames and 100 ms on where paint timing is missing; a hidden tab never
 * paints, so it starts at once. The inert tags stay where they are: hydration expects them. Plain ES5.
 * NOTE: single quotes, so the rewrite above leaves this script alone.
 */
export const START_AFTER_PAINT = `(function(){var s=document.querySelector('script[type="${DEFERRED_MODULE_TYPE}"]');if(!s)return;var done=false;var go=function(){if(done)return;done=true;document.querySelectorAll('link[rel="${DEFERRED_PRELOAD_REL}"]').forEach(function(l){var p=document.createElement("link");p.rel='modulepreload';p.href=l.href;document.head.appendChild(p)});var m=document.createElement("script");m.type='module';m.nonce=s.nonce;m.textContent=s.textContent;document.head.appendChild(m)};if(document.visibilityState==="hidden")return go();try{new PerformanceObserver(function(l){if(l.getEntriesByName("first-contentful-paint").length)go()}).observe({type:"paint",buffered:true})}catch(e){}requestAnimationFrame(function(){requestAnimationFrame(function(){setTimeout(go,100)})})})();`;
