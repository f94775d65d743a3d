import { describe, expect, it } from "vitest";
import { cleanDocumentTitle, looksLikeDeck, titleFromFilename } from "@/content/titles";

describe("titleFromFilename", () => {
  it("drops the extension, turns separators into spaces and title-cases the words", () => {
    expect(titleFromFilename("zephyr-retail-kit.pdf")).toBe("Zephyr Retail Kit");
    expect(titleFromFilename("q3-pricing_sheet.pdf")).toBe("Q3 Pricing Sheet");
    expect(titleFromFilename("guide_to_the--platform.v2.docx")).toBe("Guide to the Platform V2");
  });
  it("keeps words written in capitals or mixed case as they are", () => {
    expect(titleFromFilename("ACME iPhone battle_card.pptx")).toBe("ACME iPhone Battle Card");
  });
  it("lower-cases small words except the first", () => {
    expect(titleFromFilename("the-state-of-retail.pdf")).toBe("The State of Retail");
  });
  it("falls back to Untitled for a name with nothing but separators", () => {
    expect(titleFromFilename("__-.pdf")).toBe("Untitled");
  });
});

describe("cleanDocumentTitle", () => {
  it("keeps a real title, with its spacing tidied", () => {
    expect(cleanDocumentTitle("  Zephyr   Retail\tPlaybook 2027 ")).toBe("Zephyr Retail Playbook 2027");
  });
  it("refuses tool placeholders, printer-driver labels, paths and file names", () => {
    for (const raw of [
      "Untitled",
      "untitled presentation",
      "PowerPoint Presentation",
      "Microsoft Word - pricing.docx",
      "Microsoft PowerPoint - deck",
      "C:\\Users\\sam\\Desktop\\deck.pptx",
      "/home/sam/exports/kit.pdf",
      "pricing_sheet_v3.pdf",
      "Slide 1",
      "---",
      "1234",
      "",
      "x",
    ])
      expect(cleanDocumentTitle(raw), raw).toBeNull();
  });
  it("refuses what is not a string and titles too long to be one", () => {
    expect(cleanDocumentTitle(undefined)).toBeNull();
    expect(cleanDocumentTitle(null)).toBeNull();
    expect(cleanDocumentTitle("Word ".repeat(60))).toBeNull();
  });
});

describe("looksLikeDeck", () => {
  it("takes landscape 16:9, 16:10 and 4:3 pages for slides", () => {
    expect(looksLikeDeck([{ width: 960, height: 540 }])).toBe(true);
    expect(
      looksLikeDeck([
        { width: 720, height: 540 },
        { width: 720, height: 540 },
      ]),
    ).toBe(true);
    expect(looksLikeDeck([{ width: 1280, height: 800 }])).toBe(true);
    expect(looksLikeDeck([{ width: 793.7, height: 446.5 }])).toBe(true);
  });
  it("does not take portrait or sideways paper for slides", () => {
    expect(looksLikeDeck([{ width: 595, height: 842 }])).toBe(false);
    expect(looksLikeDeck([{ width: 842, height: 595 }])).toBe(false); // A4 landscape
    expect(looksLikeDeck([{ width: 792, height: 612 }])).toBe(false); // Letter landscape
    expect(looksLikeDeck([{ width: 540, height: 960 }])).toBe(false);
  });
  it("needs every page looked at to be a slide, and at least one page", () => {
    expect(
      looksLikeDeck([
        { width: 960, height: 540 },
        { width: 595, height: 842 },
      ]),
    ).toBe(false);
    expect(looksLikeDeck([])).toBe(false);
    expect(looksLikeDeck([{ width: 0, height: 0 }])).toBe(false);
  });
});
