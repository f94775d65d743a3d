// PDF text and page images with pdf.js (legacy build, for Node) and @napi-rs/canvas.
import { createRequire } from "node:module";
import path from "node:path";
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
import { PdfProblem } from "./problems";

export { PdfProblem };

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve("pdfjs-dist/package.json"));
// pdf.js reads these with fs in Node; without them pages in the 14 standard fonts render without glyphs.
const standardFontDataUrl = path.join(pdfjsRoot, "standard_fonts") + path.sep;
const cMapUrl = path.join(pdfjsRoot, "cmaps") + path.sep;

type NapiCanvas = import("@napi-rs/canvas").Canvas;
type CanvasFactory = {
  create(width: number, height: number): { canvas: NapiCanvas; context: import("@napi-rs/canvas").SKRSContext2D };
  destroy(entry: { canvas: NapiCanvas; context: unknown }): void;
};

export type OpenPdf = {
  pageCount: number;
  pageText(n: number): Promise<string>;
  /** The Info dictionary's Title as written (unjudged), or null. */
  documentTitle(): Promise<string | null>;
  /** Page n's size in points, as displayed (rotation applied). */
  pageSize(n: number): Promise<{ width: number; height: number }>;
  /** Renders page n (1-based) to PNG at the given pixel width. */
  renderPage(n: number, width: number): Promise<Buffer>;
  close(): Promise<void>;
};

/** Time one step (opening, one page's text, one page's image) may take before the file is given up on. */
export const PDF_STEP_BUDGET_MS = 30_000;
/** The largest page image rendered: past this a page box is absurd (a billion points tall). */
const MAX_RENDER_PIXELS = 50_000_000;

const damaged = () => new PdfProblem("This PDF is damaged and cannot be read. Export it again and upload the new file.", "corrupt");
const tooSlow = () => new PdfProblem("This PDF took too long to read. Export it again and upload the new file.", "timeout");

/**
 * Runs one pdf.js step within the budget. pdf.js reports a damaged file by rejecting, but some damage
 * leaves a promise that never settles; the budget turns both into a `PdfProblem`.
 */
async function step<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw tooSlow();
  let onAbort!: () => void;
  const timedOut = new Promise<never>((_, reject) => {
    onAbort = () => reject(tooSlow());
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work(), timedOut]);
  } catch (error) {
    if (error instanceof PdfProblem) throw error;
    throw damaged();
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

export async function openPdf(bytes: Uint8Array, options: { signal?: () => AbortSignal } = {}): Promise<OpenPdf> {
  // A fresh budget per step: a long document is many steps, each of which must be quick.
  const budget = options.signal ?? (() => AbortSignal.timeout(PDF_STEP_BUDGET_MS));
  const task = pdfjs.getDocument({
    // pdf.js transfers (detaches) the buffer it is given; hand it a copy.
    data: new Uint8Array(bytes),
    standardFontDataUrl,
    cMapUrl,
    cMapPacked: true,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  // Handled here too: when the budget is already spent the promise is never awaited, yet may reject.
  task.promise.catch(() => {});
  const open = () =>
    task.promise.catch((error) => {
      if ((error as { name?: string }).name === "PasswordException") {
        throw new PdfProblem("This PDF is password-protected. Upload a copy without a password.", "password");
      }
      throw error;
    });
  let doc: pdfjs.PDFDocumentProxy;
  try {
    doc = await step(open, budget());
  } catch (error) {
    await task.destroy().catch(() => {});
    throw error;
  }
  return {
    pageCount: doc.numPages,
    pageText: (n) => step(() => pageText(doc, n), budget()),
    documentTitle: () => step(() => documentTitle(doc), budget()),
    pageSize: (n) => step(() => pageSize(doc, n), budget()),
    renderPage: (n, width) => step(() => renderPage(doc, n, width), budget()),
    close: () => doc.destroy(),
  };
}

async function documentTitle(doc: pdfjs.PDFDocumentProxy): Promise<string | null> {
  const { info } = await doc.getMetadata();
  const title = (info as { Title?: unknown } | null)?.Title;
  return typeof title === "string" ? title : null;
}

async function pageSize(doc: pdfjs.PDFDocumentProxy, n: number): Promise<{ width: number; height: number }> {
  const page = await doc.getPage(n);
  try {
    const { width, height } = page.getViewport({ scale: 1 });
    return { width, height };
  } finally {
    page.cleanup();
  }
}

async function pageText(doc: pdfjs.PDFDocumentProxy, n: number): Promise<string> {
  const page = await doc.getPage(n);
  try {
    const content = await page.getTextContent();
    let text = "";
    for (const item of content.items) {
      if (!("str" in item)) continue;
      text += item.str;
      text += item.hasEOL ? "\n" : item.str && !item.str.endsWith(" ") ? " " : "";
    }
    return text
      .replace(/[ \t]+\n/g, "\n")
      .replace(/[ \t]{2,}/g, " ")
      .trim();
  } finally {
    page.cleanup();
  }
}

async function renderPage(doc: pdfjs.PDFDocumentProxy, n: number, width: number): Promise<Buffer> {
  const page = await doc.getPage(n);
  try {
    const base = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: width / base.width });
    const pixels = Math.round(viewport.width) * Math.round(viewport.height);
    if (!(pixels >= 1 && pixels <= MAX_RENDER_PIXELS)) {
      throw new PdfProblem(
        `Page ${n} of this PDF has an impossible size (${Math.round(base.width)}×${Math.round(base.height)} points), so it has no preview.`,
        "corrupt",
      );
    }
    // NOTE: pdf.js's own canvas factory, not an import of @napi-rs/canvas: under a module loader
    // that instantiates the package twice (vitest), pdf.js's Path2D would not match our canvas.
    const { canvas, context } = (doc.canvasFactory as CanvasFactory).create(Math.round(viewport.width), Math.round(viewport.height));
    // Pages without a background would otherwise come out transparent (black in some viewers).
    context.fillStyle = "#ffffff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
    const png = await canvas.encode("png");
    (doc.canvasFactory as CanvasFactory).destroy({ canvas, context });
    return png;
  } finally {
    page.cleanup();
  }
}
