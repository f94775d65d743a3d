// The document stream's side of app/components/scripts-after-paint.tsx: Remix's module script and its
// modulepreload links become inert tags, which the page's own script starts after the first paint.
import { Transform } from "node:stream";

/**
 * Replaces literal ASCII strings in a byte stream, whatever the chunk boundaries: a chunk's last
 * (longest pattern − 1) bytes after its last match wait for the next chunk, since a match may straddle
 * them. It works on the bytes, not decoded text: an ASCII pattern cannot match inside a multi-byte
 * UTF-8 character, and a 40 KB page was decoded and encoded again for the few tags in its head.
 */
export function replaceInStream(replacements: readonly (readonly [from: string, to: string])[]): Transform {
  const patterns = replacements.map(([from, to]) => ({ from: Buffer.from(from), to: Buffer.from(to) }));
  const hold = Math.max(...patterns.map(({ from }) => from.length)) - 1;
  let carry: Buffer = Buffer.alloc(0);
  /** Every match in `bytes`, earliest first, replaced; answers the pieces and where the last match ends. */
  const replaceAll = (bytes: Buffer) => {
    const pieces: Buffer[] = [];
    // Each pattern's next match; searched again only once the text before it has been consumed, so a
    // page is scanned about once per pattern however many tags match.
    const next = patterns.map(({ from }) => bytes.indexOf(from));
    let at = 0;
    for (;;) {
      let which = -1;
      for (let i = 0; i < patterns.length; i++) {
        if (next[i] !== -1 && next[i] < at) next[i] = bytes.indexOf(patterns[i].from, at);
        if (next[i] !== -1 && (which === -1 || next[i] < next[which])) which = i;
      }
      if (which === -1) break;
      pieces.push(bytes.subarray(at, next[which]), patterns[which].to);
      at = next[which] + patterns[which].from.length;
    }
    return { pieces, end: at };
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const { pieces, end } = replaceAll(bytes);
      // Held back: only bytes after the last match that could begin a pattern the next chunk completes.
      const keepFrom = Math.max(end, bytes.length - hold);
      pieces.push(bytes.subarray(end, keepFrom));
      carry = Buffer.from(bytes.subarray(keepFrom));
      done(null, pieces.length === 1 ? pieces[0] : Buffer.concat(pieces));
    },
    flush(done) {
      const { pieces, end } = replaceAll(carry);
      pieces.push(carry.subarray(end));
      done(null, Buffer.concat(pieces));
    },
  });
}

/**
 * The tags React renders for Remix's <Scripts> (`async: true` renders as `async=""`). User content never
 * matches: React escapes quotes in text and attribute values.
 */
export function deferModuleScripts({ moduleType, preloadRel }: { moduleType: string; preloadRel: string }): Transform {
  return replaceInStream([
    ['type="module" async=""', `type="${moduleType}"`],
    ['rel="modulepreload"', `rel="${preloadRel}"`],
  ]);
}
