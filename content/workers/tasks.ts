// What a file worker can be asked to do. Everything here parses or draws bytes from users' files, so it
// runs only inside a worker process (content/workers/worker.ts), never in the process serving requests.
import { readFile } from "node:fs/promises";
import { checkImage, ImageProblem, PREVIEW_WIDTHS, webpDerivatives, type Derivative } from "../images";
import { extractOffice, OfficeProblem } from "../office";
import { openPdf, PdfProblem, type OpenPdf } from "../pdf";
import { isImageKind, isOfficeKind, type FileKind } from "../sniff";
import { cleanText } from "../text";
import { cleanDocumentTitle, looksLikeDeck } from "../titles";

/** More pages than any sales document has: a count past this is a damaged or hostile file. */
export const MAX_PDF_PAGES = 10_000;
/** Pages whose text is read; past this a document is still downloadable and previewed, not searched further. */
export const MAX_TEXT_PAGES = 2_000;

export type Inspection = {
  kind: FileKind;
  pageCount: number | null;
  /** Set when the file was accepted but cannot be processed (kept as a draft with this reason). */
  problem: string | null;
  /** What the file says about itself, when the look got that far. */
  facts?: FileFacts;
};
/**
 * Defaults the file offers its item: its own title (judged by `cleanDocumentTitle`) and, for a PDF,
 * whether its pages have a slide's shape.
 */
export type FileFacts = { title: string | null; deck: boolean };
export type PageText = { pages: string[]; pageCount: number; facts: FileFacts };

/** Pages whose shape decides deck or document: a title slide and two more say enough. */
const SHAPE_PAGES = 3;

async function pdfFacts(pdf: OpenPdf, pageCount: number): Promise<FileFacts> {
  // A broken Info dictionary or page box costs the default, never the upload.
  const title = await pdf.documentTitle().catch(() => null);
  const sizes = [];
  for (let n = 1; n <= Math.min(pageCount, SHAPE_PAGES); n++) sizes.push(await pdf.pageSize(n).catch(() => null));
  return { title: cleanDocumentTitle(title), deck: sizes.every(Boolean) && looksLikeDeck(sizes as { width: number; height: number }[]) };
}
export type Rendered = { derivatives: Derivative[]; placeholder: string };

/** A PDF's declared page count, refused when it is not a count a real document could have. */
function checkedPageCount(pdf: OpenPdf): number {
  const n = pdf.pageCount;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PDF_PAGES) {
    throw new PdfProblem(
      `This PDF says it has ${n} pages, which cannot be right: it is damaged. Export it again and upload the new file.`,
      "corrupt",
    );
  }
  return n;
}

// The last PDF opened stays open: a render job asks for its pages one by one.
let cached: { file: string; pdf: Promise<OpenPdf> } | null = null;
async function pdfFor(file: string): Promise<OpenPdf> {
  if (cached?.file !== file) {
    const previous = cached;
    cached = { file, pdf: readFile(file).then((bytes) => openPdf(bytes)) };
    cached.pdf.catch(() => (cached = null));
    await previous?.pdf.then((p) => p.close()).catch(() => {});
  }
  return cached.pdf;
}

export const TASKS = {
  /** Cheap look at a new upload: bombs, damage, page count. */
  async inspect({ file, kind }: { file: string; kind: FileKind }): Promise<Inspection> {
    if (isImageKind(kind)) {
      try {
        await checkImage(file);
      } catch (error) {
        if (error instanceof ImageProblem && error.reason === "corrupt") return { kind, pageCount: null, problem: error.message };
        throw error;
      }
      return { kind, pageCount: 1, problem: null };
    }
    if (kind === "pdf") {
      try {
        const pdf = await pdfFor(file);
        const pageCount = checkedPageCount(pdf);
        return { kind, pageCount, problem: null, facts: await pdfFacts(pdf, pageCount) };
      } catch (error) {
        if (error instanceof PdfProblem) return { kind, pageCount: null, problem: error.message };
        throw error;
      }
    }
    if (isOfficeKind(kind)) {
      try {
        const { title } = await extractOffice(file, kind);
        return { kind, pageCount: null, problem: null, facts: { title: cleanDocumentTitle(title), deck: false } };
      } catch (error) {
        if (error instanceof OfficeProblem) return { kind, pageCount: null, problem: error.message };
        throw error;
      }
    }
    return { kind, pageCount: null, problem: null };
  },

  /** Text of every page (up to MAX_TEXT_PAGES); one damaged page costs its own text, not the document's. */
  async pdfText({ file }: { file: string }): Promise<PageText> {
    const pdf = await pdfFor(file);
    const pageCount = checkedPageCount(pdf);
    const pages: string[] = [];
    for (let n = 1; n <= Math.min(pageCount, MAX_TEXT_PAGES); n++) {
      pages.push(
        cleanText(
          await pdf.pageText(n).catch((error) => (error instanceof PdfProblem && error.reason === "corrupt" ? "" : Promise.reject(error))),
        ),
      );
    }
    return { pages, pageCount, facts: await pdfFacts(pdf, pageCount) };
  },

  async officeText({ file, kind }: { file: string; kind: "pptx" | "docx" | "xlsx" }): Promise<PageText> {
    const { pages, pageCount, title } = await extractOffice(file, kind);
    return { pages: pages.map(cleanText), pageCount, facts: { title: cleanDocumentTitle(title), deck: false } };
  },

  imageDerivatives({ file }: { file: string }): Promise<Rendered> {
    return webpDerivatives(file);
  },

  /** Page n of a PDF as the responsive WebP set. */
  async renderPage({ file, n }: { file: string; n: number }): Promise<Rendered> {
    const pdf = await pdfFor(file);
    return webpDerivatives(await pdf.renderPage(n, Math.max(...PREVIEW_WIDTHS)));
  },
};

export type Tasks = typeof TASKS;
export type TaskName = keyof Tasks;
export type TaskInput<T extends TaskName> = Parameters<Tasks[T]>[0];
export type TaskOutput<T extends TaskName> = Awaited<ReturnType<Tasks[T]>>;
