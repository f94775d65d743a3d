// An ordinary mixed batch of the files marketers upload (text PDFs, Word, PowerPoint, Excel, photos),
// generated from a seed so every run processes the same bytes. Used by the pipeline bench and tests.
import { makeDocx, makeImage, makePdf, makePptx, makeXlsx } from "@/content/demo/files";
import { seededRandom } from "./random";

export type CorpusFile = { filename: string; bytes: Uint8Array; kind: "pdf" | "docx" | "pptx" | "xlsx" | "image" };

const WORDS =
  "field team pricing discovery renewal partner retail security onboarding pilot rollout objection champion budget timeline".split(" ");

export async function ordinaryCorpus(count = 100, seed = 7): Promise<CorpusFile[]> {
  const random = seededRandom(seed);
  const sentence = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ") + ".";
  const files: CorpusFile[] = [];
  for (let i = 0; i < count; i++) {
    const slot = i % 10;
    if (slot < 4) {
      const pages = Array.from(
        { length: 3 + (i % 6) },
        (_, p) => `Section ${p + 1}\n${Array.from({ length: 8 }, () => sentence(12)).join(" ")}`,
      );
      files.push({ filename: `brief-${i}.pdf`, bytes: await makePdf(pages, { title: `Brief ${i}` }), kind: "pdf" });
    } else if (slot < 6) {
      files.push({ filename: `notes-${i}.docx`, bytes: makeDocx(Array.from({ length: 30 }, () => sentence(20))), kind: "docx" });
    } else if (slot === 6) {
      files.push({ filename: `deck-${i}.pptx`, bytes: makePptx(Array.from({ length: 8 }, () => sentence(15))), kind: "pptx" });
    } else if (slot === 7) {
      const rows = Array.from({ length: 50 }, (_, r) => [sentence(3), r, Math.round(random() * 1000)]);
      files.push({ filename: `sheet-${i}.xlsx`, bytes: makeXlsx([{ name: "Data", rows }]), kind: "xlsx" });
    } else {
      const bytes = await makeImage(`Poster ${i}`, { width: 2000, height: 1400, format: slot === 8 ? "jpeg" : "png", seed: i });
      files.push({ filename: `poster-${i}.${slot === 8 ? "jpg" : "png"}`, bytes: new Uint8Array(bytes), kind: "image" });
    }
  }
  return files;
}
