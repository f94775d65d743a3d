import { describe, expect, it } from "vitest";
import { dictionaryWords, hasDictionaryScript, markDictionaryWords } from "@/vocabulary/dictionary-words";

describe("Thai, Lao, Khmer and Burmese words from a dictionary", () => {
  it("sets a run's words apart and leaves other text as it is", () => {
    expect(dictionaryWords("ใบเสนอราคาสำหรับลูกค้า").trim().split(/ +/)).toEqual(["ใบ", "เสนอ", "ราคา", "สำหรับ", "ลูกค้า"]);
    expect(dictionaryWords("Atlas ราคา deck").split(/ +/)).toEqual(["Atlas", "ราคา", "deck"]);
    expect(dictionaryWords("Pricing deck, Résumé")).toBe("Pricing deck, Résumé");
    // A word alone is itself, as a query word is.
    for (const w of ["ราคา", "สวัสดี", "ການຂາຍ", "លក់"]) expect(dictionaryWords(w).trim()).toBe(w);
  });

  it("tells text in these scripts from text in any other", () => {
    for (const t of ["ราคา", "ເອກະສານ", "ឯកសារ", "စာ"]) expect({ t, yes: hasDictionaryScript(t) }).toEqual({ t, yes: true });
    for (const t of ["pricing", "हिन्दी", "資料", "한국어"]) expect({ t, yes: hasDictionaryScript(t) }).toEqual({ t, yes: false });
  });
});

describe("markDictionaryWords", () => {
  const mark = { start: "<", end: ">" };
  it("marks the words where they stand, outside the marks already there, and joins marks side by side", () => {
    expect(markDictionaryWords("ใบเสนอราคาสำหรับลูกค้า", ["เสนอ", "ราคา"], mark)).toBe("ใบ<เสนอราคา>สำหรับลูกค้า");
    expect(markDictionaryWords("<ราคา> ราคา pricing", ["ราคา", "pricing"], mark)).toBe("<ราคา> <ราคา> pricing");
    expect(markDictionaryWords("pricing", [], mark)).toBe("pricing");
  });
});
