// Hydration scripts start after the first paint. Remix's <Scripts> asks for every module at once
// (modulepreload links and a module script), and Chromium, finding them loaded by the time it has
// parsed a small document, runs hydration before it paints anything: on a phone the server-rendered
// page then appears only after ~90 KB of JavaScript has arrived and run. The server turns those tags
// inert (app/modules/document-scripts.server.ts) and this script, right after <Scripts>, starts the
// module script once a frame has been painted (decision 015). Only the module script: its imports ask
// for the same modules, and adding ~25 modulepreload links back took one 14–21 ms task (×4 on a
// phone). Kept as live preloads in the page instead, Chromium compiled them before the first paint.
// An item page stages its view before hydration (offline/document-view.tsx): a seller may leave first.
import { useNonce } from "./nonce";

/** What the server makes of Remix's module script and its modulepreload links (left inert for good). */
export const DEFERRED_MODULE_TYPE = "fieldkit/after-paint";
export const DEFERRED_PRELOAD_REL = "fieldkit-after-paint";

/**
 * Plain ES5, no imports. Starts on the first contentful paint, or two frames and 100 ms on, where paint
 * timing is missing; a hidden tab never paints, so it starts at once. The original (inert) tags stay
 * where they are: hydration expects them. NOTE: single quotes, so the server's rewrite leaves this alone.
 */
const START = `(function(){var s=document.querySelector('script[type="${DEFERRED_MODULE_TYPE}"]');if(!s)return;var done=false;var go=function(){if(done)return;done=true;var m=document.createElement("script");m.type='module';m.nonce=s.nonce;m.textContent=s.textContent;document.head.appendChild(m)};if(document.visibilityState==="hidden")return go();try{new PerformanceObserver(function(l){if(l.getEntriesByName("first-contentful-paint").length)go()}).observe({type:"paint",buffered:true})}catch(e){}requestAnimationFrame(function(){requestAnimationFrame(function(){setTimeout(go,100)})})})();`;

export function ScriptsAfterPaint() {
  const nonce = useNonce();
  // suppressHydrationWarning: React leaves a script's text alone on hydration; it never runs twice.
  return <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: START }} />;
}
