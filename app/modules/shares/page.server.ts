// The buyer's page, rendered as one small HTML string: no React, no app shell, no route data, no links
// into the library. It must paint fast on a slow phone network (inline CSS, lazy page images sized in
// advance, ~2 kB of inline script) and cost the server little (share_page_p95_ms, decision 021).
import type { BuyerItem, BuyerShare } from "./buyer.server";
import { UNAVAILABLE_MESSAGE } from "./buyer.server";
import { formatDate } from "@/vocabulary/dates";
import { TYPE_LABEL } from "@/vocabulary/library";
import { buyerTitle } from "@/vocabulary/shares";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Only what the page needs: its own images, video and posts; the nonce lets its one script and style run. */
export function buyerCsp(nonce: string) {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "media-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers every buyer response carries, the "not available" page included. */
export function buyerHeaders(nonce: string, extra: Record<string, string> = {}) {
  return {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": buyerCsp(nonce),
    "X-Robots-Tag": "noindex, nofollow, noarchive",
    // The token never leaves the site, and the email gate's form still says where it came from: under
    // no-referrer a browser sends a form post with `Origin: null`, which the CSRF check refuses.
    "Referrer-Policy": "same-origin",
    // Revocation must take effect at once: nothing may keep a copy of the page.
    "Cache-Control": "no-store",
    ...extra,
  };
}

const STYLE = `*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;background:#f9fafb}
main{max-width:50rem;margin:0 auto;padding:1rem}header{margin-bottom:1.5rem}.from{color:#4b5563;margin:0}h1{font-size:1.5rem;margin:.25rem 0 .75rem}
h2{font-size:1.2rem;margin:0 0 .25rem}.note{background:#fff;border-left:4px solid #2563eb;margin:0;padding:.75rem 1rem;white-space:pre-wrap}
.item{background:#fff;border:1px solid #e5e7eb;border-radius:.5rem;padding:1rem;margin:0 0 1.5rem}.summary{color:#4b5563;margin:0 0 .75rem}
.pages{list-style:none;margin:0;padding:0}.page{margin:0 0 1rem}.page img,.image img{display:block;width:100%;height:auto;background:#e5e7eb;border:1px solid #e5e7eb}
.page span{color:#6b7280;font-size:.875rem}video{width:100%}.message{overflow-wrap:anywhere}.message img{max-width:100%}
.button{display:inline-block;background:#1d4ed8;color:#fff;padding:.6rem 1rem;border-radius:.375rem;text-decoration:none;font-weight:600;border:0;font-size:1rem;min-height:44px}
footer{color:#6b7280;font-size:.875rem;padding:1rem 0 2rem}label{display:block;font-weight:600;margin:.5rem 0 .25rem}
input[type=email]{width:100%;font-size:1rem;padding:.6rem;border:1px solid #9ca3af;border-radius:.375rem;margin-bottom:.75rem}.error{color:#b91c1c}
.contents{background:#fff;border:1px solid #e5e7eb;border-radius:.5rem;padding:1rem;margin:0 0 1.5rem}.contents ol{margin:0;padding-left:1.5rem}
.contents li{margin:.25rem 0}.contents a{display:inline-block;padding:.35rem 0}.contents span{white-space:nowrap}.contents span,.gone{color:#4b5563}.item{scroll-margin-top:1rem}
footer p{margin:0 0 .5rem}a{color:#1d4ed8}:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}`;

function shell(nonce: string, title: string, body: string, bodyAttrs = "") {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow"><meta name="referrer" content="same-origin"><link rel="icon" href="data:,"><title>${esc(title)}</title>
<style nonce="${nonce}">${STYLE}</style></head><body${bodyAttrs}><main>${body}</main></body></html>`;
}

/** The same page, byte for byte apart from the nonce, for a random, expired or revoked token. */
export function unavailablePage(nonce: string) {
  return shell(nonce, "Link not available", `<h1>This link is not available</h1><p>${esc(UNAVAILABLE_MESSAGE)}</p>`);
}

export function emailGatePage(nonce: string, share: BuyerShare, error?: string) {
  const body = `<header><p class="from">Shared by ${esc(share.sellerName)}</p><h1>Enter your email to view</h1></header>
<form method="post" class="item">${error ? `<p class="error" role="alert">${esc(error)}</p>` : ""}
<label for="email">Your work email</label><input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
<button class="button" type="submit">View the content</button>
<p class="summary">${esc(share.sellerName)} will see that this address opened the link.</p></form>`;
  return shell(nonce, "Enter your email to view", body);
}

/** An item's number of pages: its version's count, or as many as were drawn. */
const pageTotal = (item: BuyerItem) => item.pageCount ?? item.previews.length;

function pagesHtml(base: string, item: BuyerItem) {
  const total = pageTotal(item);
  return `<ol class="pages">${item.previews
    .map((p, i) => {
      const largest = p.widths[p.widths.length - 1];
      const src = `${base}/pages/${p.n}`;
      const label = p.n === 0 ? item.title : `Page ${p.n} of ${total}`;
      const srcset = p.widths.map((w) => `${src}?w=${w.width} ${w.width}w`).join(", ");
      return `<li class="${p.n === 0 ? "image" : "page"}" data-page="${p.n}" id="${p.n === 0 ? "image" : `page-${p.n}`}-${item.position}"><img src="${src}?w=640" srcset="${srcset}" sizes="(min-width: 50rem) 48rem, 100vw" width="${largest?.width ?? 800}" height="${largest?.height ?? 600}" alt="${esc(label)}" loading="${i < 2 ? "eager" : "lazy"}" decoding="async">${p.n > 0 ? `<span>Page ${p.n}</span>` : ""}</li>`;
    })
    .join("")}</ol>`;
}

function itemHtml(token: string, share: BuyerShare, item: BuyerItem) {
  if (!item.available) {
    return `<section class="item gone" data-pos="${item.position}"><p>This item is no longer available.</p></section>`;
  }
  const base = `/s/${token}/items/${item.position}`;
  const parts = [`<h2 id="item-${item.position}-h">${esc(item.title)}</h2>`];
  if (item.summary) parts.push(`<p class="summary">${esc(item.summary)}</p>`);
  if (item.previews.length) parts.push(pagesHtml(base, item));
  else if (item.html) parts.push(`<div class="message" data-page="0">${item.html}</div>`);
  else if (item.mime === "video/mp4") parts.push(`<div data-page="0"><video controls preload="metadata" src="${base}/file"></video></div>`);
  else if (item.videoUrl && /^https?:\/\//i.test(item.videoUrl)) {
    parts.push(
      `<p data-page="0"><a href="${esc(item.videoUrl)}" rel="noopener noreferrer nofollow" target="_blank">Watch the video</a></p>`,
    );
  }
  if (share.allowDownload && item.hasFile && item.mime !== "video/mp4") {
    parts.push(
      `<p><a class="button" href="${base}/file" data-download="${item.position}" download>Download${item.filename ? ` ${esc(item.filename)}` : ""}</a></p>`,
    );
  }
  return `<section class="item" id="item-${item.position}" data-pos="${item.position}" aria-labelledby="item-${item.position}-h">${parts.join("")}</section>`;
}

const pagesOf = (item: BuyerItem) => {
  const pages = item.previews.some((p) => p.n > 0) ? pageTotal(item) : 0;
  return pages ? ` · ${pages} ${pages === 1 ? "page" : "pages"}` : "";
};

/**
 * What a link of several items holds, each a jump to its place: after a 20-page deck, the video below it
 * was found only by scrolling past every page.
 */
function contentsHtml(share: BuyerShare) {
  if (share.items.length < 2) return "";
  const rows = share.items.map((i) =>
    i.available
      ? `<li><a href="#item-${i.position}">${esc(i.title)}</a> <span>${esc(TYPE_LABEL[i.type] ?? "")}${pagesOf(i)}</span></li>`
      : `<li class="gone">No longer available</li>`,
  );
  return `<nav class="contents" aria-labelledby="contents-h"><h2 id="contents-h">In this link</h2><ol>${rows.join("")}</ol></nav>`;
}

/** The way to answer: a buyer with a question had only the link, and nothing on it said who to ask or how. */
function contactHtml(share: BuyerShare, title: string) {
  const href = `mailto:${share.sellerEmail}?subject=${encodeURIComponent(title)}`;
  return `<p>Questions? Write to ${esc(share.sellerName)} at <a href="${esc(href)}">${esc(share.sellerEmail)}</a>.</p>`;
}

export function sharePage(nonce: string, share: BuyerShare) {
  const title = buyerTitle(share.items);
  const body = `<header><p class="from">Shared by ${esc(share.sellerName)}${share.recipientName ? ` with ${esc(share.recipientName)}` : ""}</p>
<h1>${esc(title)}</h1>${share.note ? `<p class="note">${esc(share.note)}</p>` : ""}</header>
${contentsHtml(share)}
${share.items.map((i) => itemHtml(share.token, share, i)).join("\n")}
<footer>${contactHtml(share, title)}<p>This link works until ${formatDate(share.expiresAt)}.</p></footer>
<script nonce="${nonce}">${TRACKER}</script>`;
  return shell(nonce, title, body, ` data-token="${share.token}"`);
}

/**
 * The engagement script. It reports the open (so unfurlers that never run script count nothing), the
 * visible time of whichever page is most in view (measured on each 1 s tick, not by an observer whose
 * callbacks may come a frame late; only while the tab is visible and the
 * reader has been active in the last 2 minutes; at most 2 s per tick so a sleeping phone cannot claim
 * hours), and download clicks. Batches go out every 10 s and when the page is hidden; a failed post
 * keeps its events (the server dedupes by event id, so a retry never counts twice).
 */
const TRACKER = `(function(){var b=document.body,t=b.dataset.token,url="/s/"+t+"/events",k="fk-share-viewer:"+t,v;
function id(){if(crypto.randomUUID)return crypto.randomUUID();var a=crypto.getRandomValues(new Uint8Array(16));a[6]=a[6]&15|64;a[8]=a[8]&63|128;var h=[].map.call(a,function(x){return(x+256).toString(16).slice(1)}).join("");return h.slice(0,8)+"-"+h.slice(8,12)+"-"+h.slice(12,16)+"-"+h.slice(16,20)+"-"+h.slice(20)}
try{v=localStorage.getItem(k)}catch(e){}if(!v){v=id();try{localStorage.setItem(k,v)}catch(e){}}
var q=[{id:id(),type:"open"}],acc={},last=Date.now(),active=Date.now();
function send(beacon){pack();if(!q.length)return;var ev=q.splice(0,50),body=JSON.stringify({viewer:v,events:ev});
if(beacon&&navigator.sendBeacon&&navigator.sendBeacon(url,new Blob([body],{type:"application/json"})))return;
fetch(url,{method:"POST",headers:{"Content-Type":"application/json"},body:body,keepalive:true,credentials:"same-origin"}).then(function(r){if(r.status>=500||r.status===429)q=ev.concat(q)},function(){q=ev.concat(q)})}
function pack(){for(var key in acc){var p=key.split(":"),ms=Math.min(60000,Math.round(acc[key]));if(ms>0)q.push({id:id(),type:"page",position:+p[0],page:+p[1],ms:ms})}acc={}}
var els=[].slice.call(document.querySelectorAll("[data-page]"));
function seen(){var best=null,bv=0,vh=innerHeight;els.forEach(function(el){var r=el.getBoundingClientRect(),x=Math.min(r.bottom,vh)-Math.max(r.top,0);if(x>bv){bv=x;best=el}});return best}
setInterval(function(){var now=Date.now(),d=Math.min(2000,now-last);last=now;if(document.visibilityState!=="visible"||now-active>120000)return;
var cur=seen();if(!cur)return;var s=cur.closest("[data-pos]");if(!s)return;var key=s.dataset.pos+":"+cur.dataset.page;acc[key]=(acc[key]||0)+d},1000);
setInterval(function(){send(false)},10000);
["scroll","keydown","pointerdown","touchstart"].forEach(function(n){addEventListener(n,function(){active=Date.now()},{passive:true})});
document.addEventListener("visibilitychange",function(){if(document.visibilityState==="hidden")send(true);else{last=Date.now();active=Date.now()}});
addEventListener("pagehide",function(){send(true)});
document.addEventListener("click",function(e){var a=e.target.closest&&e.target.closest("[data-download]");if(a){q.push({id:id(),type:"download",position:+a.dataset.download});send(true)}});
send(false)})();`;
