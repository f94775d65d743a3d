// PDF text and page images with pdf.js (legacy build, for Node) and @napi-rs/canvas.
import { createRequire } from "node:module";
import path from "node:path";
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";

const require = createRequire(import.meta.url);
const pdfjsRoot = path.dirname(require.resolve("pdfjs-dist/package.json"));
// pdf.js reads these with fs in Node; without them pages in the 14 standard fonts render without glyphs.
const standardFontDataUrl = path.join(pdfjsRoot, "standard_fonts") + path.sep;
const cMapUrl = path.join(pdfjsRoot, "cmaps") + path.sep;

/** Why a PDF cannot be processed, in words a marketer can act on. */
export class PdfProblem extends Error {
  constructor(
    message: string,
    readonly reason: "password" | "corrupt",
  ) {
    super(message);
  }
}

type NapiCanvas = import("@napi-rs/canvas").Canvas;
type CanvasFactory = {
  create(width: number, height: number): { canvas: NapiCanvas; context: import("@napi-rs/canvas").SKRSContext2D };
  destroy(entry: { canvas: NapiCanvas; context: unknown }): void;
};

export type OpenPdf = {
  pageCount: number;
  pageText(n: number): Promise<string>;
  /** Renders page n (1-based) to PNG at the given pixel width. */
  renderPage(n: number, width: number): Promise<Buffer>;
  close(): Promise<void>;
};

export async function openPdf(bytes: Uint8Array): Promise<OpenPdf> {
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
  let doc: pdfjs.PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => {});
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") {
      throw new PdfProblem("This PDF is password-protected. Upload a copy without a password.", "password");
    }
    throw new PdfProblem("This PDF is damaged and cannot be read. Export it again and upload the new file.", "corrupt");
  }
  return {
    pageCount: doc.numPages,
    async pageText(n) {
      const page = await doc.getPage(n);
      try {
        const content = await page.getTextContent();
        let text = "";
        for (const item of content.items) {
          if (!("str" in item)) continue;
          text += item.str;
          text += item.hasEOL ? "\n" : item.str && !item.str.endsWith(" ") ? " " : "";
        }
        return text.replace(/[ \t]+\n/g, "\n").replace(/[ \t]{2,}/g, " ").trim();
      } finally {
        page.cleanup();
      }
    },
    async renderPage(n, width) {
      const page = await doc.getPage(n);
      try {
        const base = page.getViewport({ scale: 1 });
        const viewport = page.getViewport({ scale: width / base.width });
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
    },
    close: () => doc.destroy(),
  };
}
