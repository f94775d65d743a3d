// The document stream turns Remix's module script and modulepreload links inert, whatever the chunk
// boundaries React's writes happen to fall on (app/modules/document-scripts.server.ts).
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { deferModuleScripts, replaceInStream } from "~/modules/document-scripts.server";
import { seededRandom } from "../setup/random";

const through = (chunks: (string | Buffer)[], stream = deferModuleScripts({ moduleType: "x/later", preloadRel: "later" })) =>
  text(Readable.from(chunks.map((c) => (typeof c === "string" ? Buffer.from(c) : c))).pipe(stream));

const DOCUMENT =
  `<!DOCTYPE html><html><head></head><body><p>Résumé «template» — 1 € and "quotes" &quot;escaped&quot;</p>` +
  `<link rel="modulepreload" href="/build/entry.client-A.js"/><link rel="modulepreload" href="/build/_shared/chunk-B.js"/>` +
  `<script nonce="n">window.__remixContext = {};</script>` +
  `<script nonce="n" type="module" async="">import * as route0 from "/build/root-C.js";\nimport("/build/entry.client-A.js");</script></body></html>`;
const EXPECTED = DOCUMENT.replaceAll('rel="modulepreload"', 'rel="later"').replace('type="module" async=""', 'type="x/later"');

describe("deferring the hydration scripts", () => {
  it("rewrites the module script and every modulepreload link, and nothing else", async () => {
    expect(await through([DOCUMENT])).toBe(EXPECTED);
  });

  it("gives the same document at every chunk boundary, including inside a multi-byte character", async () => {
    const bytes = Buffer.from(DOCUMENT);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(await through([bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(EXPECTED);
    }
  });

  it("gives the same document however the stream is split into many small chunks", async () => {
    const random = seededRandom(7);
    const bytes = Buffer.from(DOCUMENT.repeat(3));
    for (let round = 0; round < 200; round++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + Math.floor(random() * 40);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect(await through(chunks)).toBe(EXPECTED.repeat(3));
    }
  });

  it("leaves escaped look-alikes in user content alone", async () => {
    const content = `<p>rel=&quot;modulepreload&quot; type=&quot;module&quot; async=&quot;&quot;</p>`;
    expect(await through([content])).toBe(content);
  });

  it("replaces several patterns of different lengths in one pass", async () => {
    const stream = replaceInStream([
      ["ab", "X"],
      ["long-pattern", "Y"],
    ]);
    expect(await through(["zab", "long-", "pattern", "a", "b"], stream)).toBe("zXYX");
  });
});
