// Fuzzing the messaging renderer: generated Markdown/HTML mixes built from known XSS vectors, encoded
// variants, odd nesting and near-limit sizes. The output is parsed the way a browser parses it
// (parse5 follows the WHATWG algorithm; sanitize-html itself uses htmlparser2, so a parser
// difference between the two would show up here) and must hold nothing that runs or restyles.
// Deterministic: a fixed seed, so a failure names an input that reproduces.
import fc from "fast-check";
import { parseFragment } from "parse5";
import { describe, expect, it } from "vitest";
import { AppError } from "~/modules/errors.server";
import { previewMarkdown } from "~/modules/library/markdown-cache.server";
import { MAX_NESTING, markdownToText, renderMarkdown } from "@/content/markdown";

const SEED = 20261124;
const MAX_BODY = 200_000;

// What the sanitiser's allow-list permits; anything else reaching the browser is a finding.
const ALLOWED_TAGS = new Set([
  "h1",
  "h2",
  "h3",
  "h4",
  "p",
  "br",
  "hr",
  "strong",
  "em",
  "del",
  "code",
  "pre",
  "blockquote",
  "ul",
  "ol",
  "li",
  "a",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
]);
const ALLOWED_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(["href", "title", "rel", "target"]),
  th: new Set(["align"]),
  td: new Set(["align"]),
  ol: new Set(["start"]),
};
const ALLOWED_SCHEMES = new Set(["http", "https", "mailto", "tel"]);

type Node = {
  nodeName: string;
  tagName?: string;
  namespaceURI?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
};

/** Why this HTML is unsafe in a browser, or null. URLs are read as the URL parser reads them. */
function unsafeHtml(html: string): string | null {
  const stack: Node[] = [parseFragment(html) as unknown as Node];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.tagName) {
      if (node.namespaceURI !== "http://www.w3.org/1999/xhtml") return `foreign element <${node.tagName}>`;
      if (!ALLOWED_TAGS.has(node.tagName)) return `element <${node.tagName}>`;
      for (const { name, value } of node.attrs ?? []) {
        if (/^on/i.test(name)) return `event handler ${name} on <${node.tagName}>`;
        if (!ALLOWED_ATTRIBUTES[node.tagName]?.has(name)) return `attribute ${name} on <${node.tagName}>`;
        if (name === "href" || name === "src") {
          // The URL parser drops leading/trailing C0 controls and spaces and every tab and newline.
          const url = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
          const scheme = /^([a-z][a-z\d+.-]*):/i.exec(url)?.[1]?.toLowerCase();
          if (scheme && !ALLOWED_SCHEMES.has(scheme)) return `${name} with scheme ${scheme}:`;
          if (/^[\\/]{2}/.test(url)) return `protocol-relative ${name}`;
        }
      }
    }
    if (node.content) stack.push(node.content);
    for (const child of node.childNodes ?? []) stack.push(child);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Inputs

const VECTORS = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
  "<scr<script>ipt>alert(1)</scr</script>ipt>",
  "<img src=x onerror=alert(1)>",
  '<img src="x" onerror="alert(1)"',
  "<svg onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  "<math><a href=javascript:alert(1)>x</a></math>",
  '<iframe src="javascript:alert(1)"></iframe>',
  "<iframe srcdoc='<script>alert(1)</script>'>",
  '<object data="data:text/html,<script>alert(1)</script>"></object>',
  "<embed src=x.swf>",
  "<style>@import 'https://evil.example/x.css';</style>",
  '<div style="background:url(javascript:alert(1))">x</div>',
  "<p onclick=alert(1)>click</p>",
  "<details open ontoggle=alert(1)>",
  "<form action=javascript:alert(1)><button>go</button></form>",
  "<input onfocus=alert(1) autofocus>",
  '<base href="javascript:/">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  "<link rel=stylesheet href=https://evil.example/x.css>",
  "<!--<img src=x onerror=alert(1)>-->",
  "<![CDATA[<script>alert(1)</script>]]>",
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  "<textarea><script>alert(1)</script></textarea>",
  "<xmp><img src=x onerror=alert(1)></xmp>",
  "<template><script>alert(1)</script></template>",
  '<a href="javascript:alert(1)">x</a>',
  '<a href="jav&#x09;ascript:alert(1)">x</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  "<a href='javascript&colon;alert(1)'>x</a>",
  "<a\nhref=JaVaScRiPt:alert(1)>x</a>",
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<a href="vbscript:msgbox(1)">x</a>',
  '<a href="//evil.example">x</a>',
  '<a href="\\\\evil.example">x</a>',
  '<a href="javascript:alert(1)"',
  "[x](javascript:alert(1))",
  "[x](JAVASCRIPT:alert(1))",
  "[x](&#x6A;avascript:alert(1))",
  "[x](java%0ascript:alert(1))",
  "[x](<javascript:alert(1)>)",
  '[x]( javascript:alert(1) "t")',
  "![x](javascript:alert(1))",
  "![x](data:image/svg+xml,<svg onload=alert(1)>)",
  "<javascript:alert(1)>",
  "<vbscript:msgbox(1)>",
  "[ref]\n\n[ref]: javascript:alert(1)",
  '[ref][r]\n\n[r]: <data:text/html,x> "t"',
  "`<script>alert(1)</script>`",
  "```html\n<script>alert(1)</script>\n```",
  "&lt;script&gt;alert(1)&lt;/script&gt;",
  "&#60;script&#62;alert(1)&#60;/script&#62;",
  "</p><script>alert(1)</script><p>",
  "<<script>script>alert(1)<</script>/script>",
  "<a href=x title='\"><script>alert(1)</script>'>x</a>",
  '[x](https://ok.example "<img src=x onerror=alert(1)>")',
];

const SCHEMES = [
  "javascript",
  "JaVaScRiPt",
  "vbscript",
  "data",
  "file",
  "blob",
  "ftp",
  "http",
  "https",
  "mailto",
  "tel",
  "jav\tascript",
  "java\nscript",
  "\u0001javascript",
  " javascript",
];

const MARKDOWN_BITS = [
  "# ",
  "## ",
  "> ",
  "- ",
  "* ",
  "1. ",
  "    ",
  "\t",
  "```",
  "~~~",
  "**",
  "__",
  "_",
  "*",
  "~~",
  "`",
  "[",
  "]",
  "(",
  ")",
  "](",
  "<",
  ">",
  "/",
  '"',
  "'",
  "=",
  "&",
  "&amp;",
  "&#",
  ";",
  "|a|b|\n|-|-|\n",
  "---",
  "\n",
  "\n\n",
  "  \n",
  "\\",
  "!",
  "www.example.com",
  "a@b.example",
];

/** Entity-encodes the characters the mask picks, the way a payload hides from naive filters. */
const encode = (s: string, mask: number[]) =>
  [...s]
    .map((ch, i) => {
      const m = mask[i % mask.length];
      const code = ch.codePointAt(0)!;
      return m === 1 ? `&#${code};` : m === 2 ? `&#x${code.toString(16)};` : m === 3 ? `&#x${code.toString(16).padStart(7, "0")}` : ch;
    })
    .join("");

const url = fc
  .tuple(
    fc.constantFrom(...SCHEMES),
    fc.constantFrom(":", "&colon;", "&#58;", "%3a", ":"),
    fc.constantFrom("alert(1)", "//evil.example/x", "text/html,<script>alert(1)</script>", "x@y.example"),
  )
  .map(([scheme, colon, rest]) => `${scheme}${colon}${rest}`);

const linkish = fc
  .tuple(url, fc.constantFrom("md", "img", "auto", "a", "ref"))
  .map(([u, form]) =>
    form === "md"
      ? `[go](${u})`
      : form === "img"
        ? `![i](${u})`
        : form === "auto"
          ? `<${u}>`
          : form === "a"
            ? `<a href="${u}">go</a>`
            : `[go][r]\n\n[r]: ${u}\n`,
  );

const nested = fc
  .tuple(
    fc.integer({ min: 1, max: 4 * MAX_NESTING }),
    fc.constantFrom("> ", "- ", "  ", "1. ", "> - ", "* > "),
    fc.constantFrom(...VECTORS),
  )
  .map(([depth, unit, tail]) => unit.repeat(depth) + tail);

const fragment = fc.oneof(
  { arbitrary: fc.constantFrom(...VECTORS), weight: 4 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...VECTORS), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }))
      .map(([v, m]) => encode(v, m)),
    weight: 2,
  },
  { arbitrary: linkish, weight: 3 },
  { arbitrary: nested, weight: 1 },
  { arbitrary: fc.constantFrom(...MARKDOWN_BITS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 10 }), weight: 1 },
);

const document = fc.array(fragment, { minLength: 1, maxLength: 30 }).map((parts) => parts.join(""));

// Output grows at most this much per input character: the worst cases are a one-character quote
// marker (`<blockquote>\n</blockquote>\n`) and an autolinked address (a link with href, rel, target).
const MAX_GROWTH = 32;

function checkRender(markdown: string) {
  const html = renderMarkdown(markdown);
  const problem = unsafeHtml(html);
  if (problem) throw new Error(`${problem} in ${JSON.stringify(html.slice(0, 400))}`);
  expect(html.length).toBeLessThanOrEqual(MAX_GROWTH * markdown.length + 64);
  expect(typeof markdownToText(markdown)).toBe("string");
}

describe("the safety check itself", () => {
  it.each([
    ['<a href="javascript:alert(1)">x</a>', /scheme javascript/],
    ['<a href=" jav&#x09;ascript:alert(1)">x</a>', /scheme javascript/],
    ['<a href="//evil.example">x</a>', /protocol-relative/],
    ["<img src=x>", /element <img>/],
    ['<p onclick="x">y</p>', /event handler onclick/],
    ["<svg></svg>", /foreign element/],
    ['<a href="/x" style="color:red">x</a>', /attribute style/],
    ["<table><tr><td><script>x</script></td></tr></table>", /element <script>/],
  ])("flags %s", (html, reason) => {
    expect(unsafeHtml(html)).toMatch(reason);
  });

  it("passes what the renderer is meant to produce", () => {
    expect(
      unsafeHtml(
        '<p><a href="https://example.com" rel="noopener noreferrer nofollow" target="_blank">x</a></p><ol start="2"><li>y</li></ol>',
      ),
    ).toBeNull();
  });
});

describe("renderMarkdown under generated input", () => {
  it("never emits script, style, frames, foreign content, handlers or unsafe URLs, and stays bounded", () => {
    fc.assert(fc.property(document, checkRender), { seed: SEED, numRuns: 600 });
  });

  it("neutralises every known vector on its own and entity-encoded", () => {
    for (const v of VECTORS) {
      checkRender(v);
      checkRender(encode(v, [1]));
      checkRender(encode(v, [0, 2]));
    }
  });

  it("renders nesting far beyond the bound without throwing", () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_NESTING, max: 5_000 }), fc.constantFrom(">", "> ", "- ", "1. ", "> - ", "\t- "), (depth, unit) =>
        checkRender(unit.repeat(depth) + "x"),
      ),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe("near the size limit", () => {
  // Each is one body a marketer could save; before bounding the nesting the first two crashed the
  // item page (stack overflow) and the third kept the server busy for minutes.
  const fill = (unit: string) => unit.repeat(Math.floor(MAX_BODY / unit.length));
  const indentedList = () => {
    let s = "";
    for (let i = 0; s.length < MAX_BODY; i++) s += " ".repeat(i * 2) + "- a\n";
    return s.slice(0, MAX_BODY);
  };
  it.each([
    ["200,000 quote markers", () => ">".repeat(MAX_BODY - 2) + " x"],
    ["a 100,000-level bullet chain", () => fill("- ")],
    ["a list indented one level deeper on every line", indentedList],
    ["every vector, repeated", () => fill(VECTORS.join("\n\n") + "\n\n")],
    ["autolinked addresses", () => fill("a@b.example ")],
    ["unclosed tags", () => fill('<div><a href="javascript:x"><svg><p ')],
  ])("renders %s safely", (_name, make) => {
    const body = make();
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    checkRender(body);
  });

  it("refuses a preview over the limit with a 413 the editor can show", () => {
    expect(() => previewMarkdown("a".repeat(MAX_BODY + 1))).toThrow(AppError);
    try {
      previewMarkdown("a".repeat(MAX_BODY + 1));
    } catch (error) {
      expect((error as AppError).status).toBe(413);
    }
    expect(unsafeHtml(previewMarkdown(fill("<script>x</script>").slice(0, MAX_BODY)))).toBeNull();
  });
});
