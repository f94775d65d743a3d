import { describe, expect, it } from "vitest";
import {
  expandSynonyms,
  foldedWords,
  isBrowse,
  lexiconWords,
  meiliFilter,
  normaliseQuery,
  normaliseText,
  snippetHtml,
  toTsquery,
  tokenize,
} from "@/search/query";
import { meiliSynonyms } from "@/search/settings";
import { HL_END, HL_START } from "@/search/types";
import { fairUsefulness } from "@/search/usefulness";

describe("normaliseQuery", () => {
  it("lower-cases, applies NFKC and collapses whitespace", () => {
    expect(normaliseQuery("  Ｐricing\t\n DECK ")).toBe("pricing deck");
  });

  it("keeps Thai and Lao sara am whole, which NFKC splits into two signs no dictionary knows", () => {
    expect(normaliseQuery("สำหรับ")).toBe("สำหรับ");
    expect(normaliseText("ใบเสนอราคาสำหรับลูกค้า ນ້ຳ")).toBe("ใบเสนอราคาสำหรับลูกค้า ນ້ຳ");
    // Typed as the two signs, it reads as the one letter.
    expect(normaliseText("ส\u0e4d\u0e32หรับ")).toBe("สำหรับ");
  });

  it("removes control and highlight-marker characters", () => {
    expect(normaliseQuery(`a\u0000b${HL_START}c${HL_END}`)).toBe("a b c");
  });
});

describe("tokenize", () => {
  it("keeps only letters and digits, so operators and quotes cannot become syntax", () => {
    expect(tokenize(`pricing' OR 1=1; -- "deck" & !a | b:* (c)`)).toEqual(["pricing", "or", "1", "1", "deck", "a", "b", "c"]);
  });

  it("keeps accented letters and other scripts", () => {
    expect(tokenize("Préfecture données 東京")).toEqual(["préfecture", "données", "東京"]);
  });

  it("caps the number and length of words, at the 10 words Meilisearch reads", () => {
    const words = tokenize(`${"x".repeat(100)} ${"w ".repeat(50)}`);
    expect(words).toHaveLength(10);
    expect(words[0]).toHaveLength(40);
  });

  it("cuts a long word between characters, never inside one written as two UTF-16 units", () => {
    const [word] = tokenize("𠀋".repeat(41));
    expect(Array.from(word)).toEqual(Array(40).fill("𠀋"));
    expect(word.isWellFormed()).toBe(true);
  });
});

describe("foldedWords", () => {
  it("folds accents on Latin and Greek letters and keeps Hindi vowel signs, Thai marks and the Cyrillic й", () => {
    expect(foldedWords("Résumé SÃO Paulo München Straße Łódź Τιμοκατάλογος Ёлка")).toEqual([
      "resume",
      "sao",
      "paulo",
      "munchen",
      "strasse",
      "lodz",
      "τιμοκαταλογος",
      "елка",
    ]);
    expect(foldedWords("बिक्री สวัสดี май київ")).toEqual(["बिक्री", "สวัสดี", "май", "київ"]);
  });

  it("folds an accent typed as a separate combining mark", () => {
    expect(foldedWords("cafe\u0301 re\u0301sume\u0301")).toEqual(["cafe", "resume"]);
  });
});

describe("isBrowse", () => {
  it("browses only when nothing was typed, not for punctuation alone", () => {
    expect(isBrowse("")).toBe(true);
    expect(isBrowse(" \u0000 ")).toBe(true);
    expect(isBrowse("!!!")).toBe(false);
    expect(isBrowse("—")).toBe(false);
  });
});

describe("expandSynonyms", () => {
  const groups = [
    ["MQL", "marketing qualified lead"],
    ["roi", "return on investment"],
  ];

  it("replaces a term with every term of its group", () => {
    expect(expandSynonyms(["mql", "pricing"], groups)).toEqual([[["mql"], ["marketing", "qualified", "lead"]], [["pricing"]]]);
  });

  it("matches a multi-word term before its words", () => {
    expect(expandSynonyms(["marketing", "qualified", "lead"], groups)).toEqual([[["mql"], ["marketing", "qualified", "lead"]]]);
  });

  it("leaves words without synonyms alone", () => {
    expect(expandSynonyms(["marketing", "deck"], groups)).toEqual([[["marketing"]], [["deck"]]]);
  });
});

describe("toTsquery", () => {
  it("prefix-matches only the word being typed, and joins alternatives with OR", () => {
    expect(toTsquery([[["mql"], ["marketing", "qualified", "lead"]], [["pricing"]]], "pricing")).toBe(
      "(mql | (marketing & qualified & lead)) & pricing:*",
    );
    // Synonyms and corrections beside the typed word are whole words.
    expect(toTsquery([[["pricing"]], [["mql"], ["marketing", "qualified", "lead"]]], "mql")).toBe(
      "pricing & (mql:* | (marketing & qualified & lead))",
    );
    expect(toTsquery([[["prcing"], ["pricing"], ["prcng"]]], "prcing")).toBe("(prcing:* | pricing | prcng)");
    expect(toTsquery([[["pric"]]], "pric")).toBe("pric:*");
    // A multi-word synonym typed in full ends the query: nothing is being typed.
    expect(toTsquery([[["mql"], ["marketing", "qualified", "lead"]]], "lead")).toBe("(mql | (marketing & qualified & lead:*))");
  });

  it("looks for Chinese and Japanese words by the pairs of characters vectors hold, or in a row for headlines", () => {
    const nodes = [[["営業資料"]], [["表"]], [["iphone用"]], [["q3価格"]]];
    expect(toTsquery(nodes, "q3価格")).toBe("(営業 & 業資 & 資料) & 表 & (iphone & 用) & (q3 & 価格)");
    expect(toTsquery(nodes, "q3価格", "spread")).toBe("(営 <-> 業 <-> 資 <-> 料) & 表 & (iphone <-> 用) & (q3 <-> 価 <-> 格)");
    // Plain letters after the characters are still the prefix being typed.
    expect(toTsquery([[["価格deck"]]], "価格deck")).toBe("(価格 & deck:*)");
    // Thai words run together are looked for as their dictionary words, the last one being typed.
    expect(toTsquery([[["ใบเสนอราคา"]]], "ใบเสนอราคา")).toBe("(ใบ & เสนอ & ราคา:*)");
  });
});

describe("meiliFilter", () => {
  const scope = { teams: ["11111111-1111-4111-8111-111111111111"], now: new Date(1_000) };

  it("always applies published, not expired and the audience rule", () => {
    expect(meiliFilter({ scope, types: [], tags: [] })).toEqual([
      'status = "published"',
      "expiresAt > 1000",
      '(audience IS EMPTY OR audience IN ["11111111-1111-4111-8111-111111111111"])',
    ]);
  });

  it("lets a user without a team see only items for everyone", () => {
    expect(meiliFilter({ scope: { teams: [], now: new Date(0) }, types: [], tags: [] })[2]).toBe("audience IS EMPTY");
  });

  it("ORs values within a facet, ANDs facets, and quotes every value", () => {
    const filters = meiliFilter({
      scope,
      types: ["deck"],
      tags: [
        { facet: "product", value: "atlas" },
        { facet: "product", value: 'x" OR status = "draft' },
        { facet: "stage", value: "discovery" },
      ],
    });
    expect(filters.slice(3)).toEqual([
      'type IN ["deck"]',
      'tags IN ["product:atlas", "product:x\\" OR status = \\"draft"]',
      'tags IN ["stage:discovery"]',
    ]);
  });
});

describe("snippetHtml", () => {
  it("escapes HTML and turns markers into <mark>", () => {
    expect(snippetHtml(`<b>&</b> ${HL_START}pricing${HL_END}`)).toBe("&lt;b&gt;&amp;&lt;/b&gt; <mark>pricing</mark>");
  });

  it("closes a mark left open by a cropped snippet and ignores a stray end marker", () => {
    expect(snippetHtml(`${HL_END}a ${HL_START}b`)).toBe("a <mark>b</mark>");
  });
});

describe("lexiconWords", () => {
  it("collects distinct words of three letters or more, without digits alone", () => {
    expect(lexiconWords("Pricing, pricing and a 2025 ROI deck").sort()).toEqual(["and", "deck", "pricing", "roi"]);
  });

  it("keeps a word with digits whole, as the index holds it, and long compounds", () => {
    expect(lexiconWords("The Quorvex3000 and COVID-19").sort()).toEqual(["and", "covid", "quorvex3000", "the"]);
    expect(lexiconWords("Vertriebsunterstützungsmaterialienübersicht")).toEqual(["vertriebsunterstutzungsmaterialienubersicht"]);
  });

  it("holds words with accents folded, as the engine's query words are", () => {
    expect(lexiconWords("Résumé for München, résumé").sort()).toEqual(["for", "munchen", "resume"]);
  });
});

describe("meiliSynonyms", () => {
  it("maps every term of a group to all the others", () => {
    expect(meiliSynonyms([["MQL", "marketing qualified lead", "mql"]])).toEqual({
      mql: ["marketing qualified lead"],
      "marketing qualified lead": ["mql"],
    });
  });
});

describe("fairUsefulness", () => {
  it("is 0 without ratings", () => {
    expect(fairUsefulness(0, 0)).toBe(0);
  });

  it("ranks 95 of 100 useful above 3 of 3", () => {
    expect(fairUsefulness(95, 100)).toBeGreaterThan(fairUsefulness(3, 3));
  });

  it("stays within 0 and 1", () => {
    expect(fairUsefulness(1000, 1000)).toBeLessThanOrEqual(1);
    expect(fairUsefulness(0, 1000)).toBeGreaterThanOrEqual(0);
  });
});
