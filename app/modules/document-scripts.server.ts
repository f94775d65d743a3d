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
