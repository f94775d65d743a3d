// What a file worker can be asked to do. Everything here parses or draws bytes from users' files, so it
// runs only inside a worker process (content/workers/worker.ts), never in the process serving requests.
import { readFile } from "node:fs/promises";
import { checkImage, ImageProblem, PREVIEW_WIDTHS, webpDerivatives, type Derivative } from "../images";
import { extractOffice, OfficeProblem } from "../office";
import { openPdf, PdfProblem, type OpenPdf } from "../pdf";
import { isImageKind, isOfficeKind, type FileKind } from "../sniff";
import { cleanText } from "../text";

/** More pages than any sales document has: a count past this is a damaged or hostile file. */
export const MAX_PDF_PAGES = 10_000;
/** Pages whose text is read; past this a document is still downloadable and previewed, not searched further. */
export const MAX_TEXT_PAGES = 2_000;

export type Inspection = {
  kind: FileKind;
  pageCount: number | null;
  /** Set when the file was accepted but cannot be processed (kept as a draft with this reason). */
  problem: string | null;
};
export type PageText = { pages: string[]; pageCount: number };
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
        return { kind, pageCount: checkedPageCount(await pdfFor(file)), problem: null };
      } catch (error) {
        if (error instanceof PdfProblem) return { kind, pageCount: null, problem: error.message };
        throw error;
      }
    }
    if (isOfficeKind(kind)) {
      try {
        await extractOffice(file, kind);
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
    return { pages, pageCount };
  },

  async officeText({ file, kind }: { file: string; kind: "pptx" | "docx" | "xlsx" }): Promise<PageText> {
    const { pages, pageCount } = await extractOffice(file, kind);
    return { pages: pages.map(cleanText), pageCount };
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
