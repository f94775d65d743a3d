// A tiny, safe Markdown reader for messaging items read from the device (offline): headings, bullets and
// paragraphs as React text — never HTML, so nothing in a body can run. Online, the server renders the full
// Markdown (sanitised) instead.
import type { ReactNode } from "react";

const plain = (s: string) => s.replace(/\*\*|__|`/g, "");

export function MarkdownText({ source }: { source: string }) {
  const blocks: ReactNode[] = [];
  let bullets: string[] = [];
  const flush = () => {
    if (bullets.length)
      blocks.push(
        <ul key={blocks.length}>
          {bullets.map((b, i) => (
            <li key={i}>{plain(b)}</li>
          ))}
        </ul>,
      );
    bullets = [];
  };
  for (const line of source.split("\n")) {
    const t = line.trim();
    if (/^[-*]\s+/.test(t)) {
      bullets.push(t.replace(/^[-*]\s+/, ""));
      continue;
    }
    flush();
    if (!t) continue;
    const h = /^#{1,6}\s+(.*)$/.exec(t);
    blocks.push(h ? <h3 key={blocks.length}>{plain(h[1])}</h3> : <p key={blocks.length}>{plain(t)}</p>);
  }
  flush();
  return <div className="md-lite">{blocks}</div>;
}
