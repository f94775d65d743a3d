// Text from OOXML files (PPTX slides, DOCX paragraphs, XLSX cells). A page is a slide, a sheet, or the
// whole document for Word (its page breaks are decided at render time, not stored in the file).
import { OfficeProblem } from "./problems";
import { openZip } from "./zip";

export type Extracted = {
  pages: string[];
  pageCount: number;
  /** The core properties' title (docProps/core.xml) as written, unjudged; null when absent. */
  title: string | null;
};

const LABEL = { pptx: "PowerPoint", docx: "Word", xlsx: "Excel" } as const;

export { OfficeProblem };

/** A character reference outside Unicode (`&#x110000;`) becomes U+FFFD instead of a RangeError. */
const codePoint = (n: number) => String.fromCodePoint(Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? n : 0xfffd);

const decodeEntities = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => codePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => codePoint(Number(d)))
    .replace(/&amp;/g, "&");

/** Runs of `<tag>text</tag>`, with a line break at every end of `paragraphTag`. */
function runs(xml: string, textTag: string, paragraphTag: string): string {
  const re = new RegExp(`<${textTag}(?:\\s[^>]*)?>([^<]*)</${textTag}>|</${paragraphTag}>`, "g");
  let out = "";
  for (const m of xml.matchAll(re)) out += m[1] !== undefined ? decodeEntities(m[1]) : "\n";
  return out
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join("\n");
}

const naturalNumber = (name: string) => Number(name.match(/(\d+)\.xml$/)?.[1] ?? 0);

/**
 * Text per page. Anything wrong with the package itself (not the disk under it) is an
 * `OfficeProblem`: it fails the same way every time, so the pipeline reports it instead of retrying.
 */
export async function extractOffice(file: string, kind: "pptx" | "docx" | "xlsx"): Promise<Extracted> {
  try {
    return await readOffice(file, kind);
  } catch (error) {
    if (typeof (error as NodeJS.ErrnoException).code === "string" && (error as NodeJS.ErrnoException).syscall) throw error;
    throw new OfficeProblem(`This ${LABEL[kind]} file is damaged and cannot be read. Save it again and upload the new file.`);
  }
}

async function readOffice(file: string, kind: "pptx" | "docx" | "xlsx"): Promise<Extracted> {
  const zip = await openZip(file);
  try {
    const text = async (name: string) => (await zip.read(name))?.toString("utf8") ?? "";
    const core = zip.names.has("docProps/core.xml") ? await text("docProps/core.xml") : "";
    const title = core.match(/<dc:title(?:\s[^>]*)?>([^<]*)<\/dc:title>/)?.[1];
    return { ...(await readBody(kind, zip.names, text)), title: title === undefined ? null : decodeEntities(title) };
  } finally {
    await zip.close();
  }
}

async function readBody(
  kind: "pptx" | "docx" | "xlsx",
  names: Set<string>,
  text: (name: string) => Promise<string>,
): Promise<Omit<Extracted, "title">> {
  if (kind === "docx") {
    const body = runs(await text("word/document.xml"), "w:t", "w:p");
    const app = await text("docProps/app.xml");
    const declared = Number(app.match(/<Pages>(\d+)<\/Pages>/)?.[1] ?? 0);
    return { pages: [body], pageCount: declared || 1 };
  }
  if (kind === "pptx") {
    const slides = [...names].filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n)).sort((a, b) => naturalNumber(a) - naturalNumber(b));
    const pages = [];
    for (const s of slides) pages.push(runs(await text(s), "a:t", "a:p"));
    return { pages, pageCount: slides.length };
  }
  const shared = [...(await text("xl/sharedStrings.xml")).matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) =>
    [...m[1].matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((t) => decodeEntities(t[1])).join(""),
  );
  const sheets = [...names].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort((a, b) => naturalNumber(a) - naturalNumber(b));
  const pages = [];
  for (const s of sheets) {
    const rows = [...(await text(s)).matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)].map((row) =>
      [...row[1].matchAll(/<c([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)]
        .map(([, attrs, inner = ""]) => {
          const type = attrs.match(/\st="([^"]+)"/)?.[1];
          if (type === "inlineStr") return decodeEntities(inner.match(/<t[^>]*>([^<]*)<\/t>/)?.[1] ?? "");
          const v = inner.match(/<v>([^<]*)<\/v>/)?.[1];
          if (v === undefined) return "";
          return type === "s" ? (shared[Number(v)] ?? "") : decodeEntities(v);
        })
        .filter(Boolean)
        .join("\t"),
    );
    pages.push(rows.filter(Boolean).join("\n"));
  }
  return { pages, pageCount: sheets.length };
}
