// An item page's view is staged by the document itself, before hydration. Hydration starts after the
// first paint (scripts-after-paint.tsx), so a seller who opens an item and leaves within that moment
// would otherwise count no view: the view effect in offline-root.tsx never ran. This inline script
// stages the same outbox entry (app/offline/outbox.ts eventEntry) in localStorage at parse time, and
// leaves a mark so the effect, once hydrated, does not stage the visit a second time.
import { MAX_STAGED, STAGED_KEY } from "~/offline/staging";
import { useNonce } from "../nonce";

/** Set to the item id by the document's script; taken (and cleared) by the first view effect. */
const MARK = "__fieldkitDocumentView";

/**
 * Plain ES5, no imports. Gives up (leaving the effect to stage the view) where there is no
 * crypto.randomUUID (an insecure context) or localStorage refuses the write.
 */
export function documentViewScript(userId: string, itemId: string): string {
  const args = JSON.stringify([userId, itemId, STAGED_KEY, MAX_STAGED]).replace(/</g, "\\u003c");
  return (
    `(function(a){try{if(!window.crypto||!crypto.randomUUID)return;var id=crypto.randomUUID(),at=new Date().toISOString();` +
    `var e={id:id,userId:a[0],kind:"event",itemId:a[1],at:at,body:{id:id,type:"view",itemId:a[1],at:at,props:{source:navigator.onLine?"item_page":"offline"}}};` +
    `var l=[];try{l=JSON.parse(localStorage.getItem(a[2])||"[]");if(!Array.isArray(l))l=[]}catch(x){l=[]}` +
    `l.push(e);localStorage.setItem(a[2],JSON.stringify(l.slice(-a[3])));window.${MARK}=a[1]}catch(x){}})(${args});`
  );
}

export function DocumentViewScript({ userId, itemId }: { userId: string; itemId: string }) {
  const nonce = useNonce();
  // A script React inserts on a client-side navigation never runs: only the server's document does.
  return <script nonce={nonce} suppressHydrationWarning dangerouslySetInnerHTML={{ __html: documentViewScript(userId, itemId) }} />;
}

/** True once, when this document's script already staged the view of `itemId`. */
export function takeDocumentView(itemId: string): boolean {
  const w = window as unknown as Record<string, unknown>;
  if (w[MARK] !== itemId) return false;
  delete w[MARK];
  return true;
}
