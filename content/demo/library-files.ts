// The file behind each demo collateral item, generated from its catalogue text.
import type { FileKind } from "../sniff";
import { makeDocx, makeImage, makePdf, makePptx, makeXlsx } from "./files";
import type { DemoItem } from "./library";

const COLLATERAL = new Set(["deck", "document", "one_pager", "spreadsheet", "image"]);

export type DemoFile = { bytes: Uint8Array; filename: string; kind: FileKind };

export async function demoFile(demo: DemoItem): Promise<DemoFile | null> {
  if (!COLLATERAL.has(demo.type) || demo.videoUrl) return null;
  const kind = demo.file ?? (demo.type === "spreadsheet" ? "xlsx" : demo.type === "image" ? "png" : "pdf");
  const pages = demo.body.split("\f").map((p) => p.trim());
  const name = demo.key;
  switch (kind) {
    case "pdf":
      return { bytes: await makePdf(pages, { title: demo.title }), filename: `${name}.pdf`, kind };
    case "pptx":
      return { bytes: makePptx(pages), filename: `${name}.pptx`, kind };
    case "docx":
      return { bytes: makeDocx(pages.flatMap((p) => p.split("\n"))), filename: `${name}.docx`, kind };
    case "xlsx":
      return {
        bytes: makeXlsx([
          {
            name: "Model",
            rows: demo.body.split("\n").map((line) => line.split("\t").map((c) => (/^\d+(\.\d+)?$/.test(c) ? Number(c) : c))),
          },
        ]),
        filename: `${name}.xlsx`,
        kind,
      };
    case "png":
    case "jpeg":
      return {
        bytes: await makeImage(demo.title, { format: kind, width: 1600, height: 1000 }),
        filename: `${name}.${kind === "jpeg" ? "jpg" : "png"}`,
        kind,
      };
  }
}
