// Hydration scripts start after the first paint. Remix's <Scripts> asks for every module at once
// (modulepreload links and a module script), and Chromium, finding them loaded by the time it has
// parsed a small document, runs hydration before it paints anything: on a phone the server-rendered
// page then appears only after ~90 KB of JavaScript has arrived and run. The server turns those tags
// inert (app/modules/document-scripts.server.ts) and this script, right after <Scripts>, asks for
// them once a frame has been painted (decision 015).
import { useNonce } from "./nonce";

/** What the server makes of Remix's module script and its modulepreload links. */
export const DEFERRED_MODULE_TYPE = "fieldkit/after-paint";
export const DEFERRED_PRELOAD_REL = "fieldkit-after-paint";

/**
 * Plain ES5, no imports. Starts on the first contentful paint, or two frames and 100 ms on, where paint
 * timing is missing; a hidden tab never paints, so it starts at once. The original (inert) tags stay
 * where they are: hydration expects them. NOTE: single quotes, so the server's rewrite leaves this alone.
 */
const START = `(function(){var s=document.querySelector('script[type="${DEFERRED_MODULE_TYPE}"]');if(!s)return;var done=false;var go=function(){if(done)return;done=true;document.querySelectorAll('link[rel="${DEFERRED_PRELOAD_REL}"]').forEach(function(l){var p=document.createElement("link");p.rel='modulepreload';p.href=l.href;document.head.appendChild(p)});var m=document.createElement("script");m.type='module';m.nonce=s.nonce;m.textContent=s.textContent;document.head.appendChild(m)};if(document.visibilityState==="hidden")return go();try{new PerformanceObserver(function(l){if(l.getEntriesByName("first-contentful-paint").length)go()}).observe({type:"paint",buffered:true})}catch(e){}requestAnimationFrame(function(){requestAnimationFrame(function(){setTimeout(go,100)})})})();`;

export function ScriptsAfterPaint() {
  const nonce = useNonce();
  // suppressHydrationWarning: React leaves a script's text alone on hydration; it never runs twice.
  return <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: START }} />;
}
