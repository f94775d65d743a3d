import { describe, expect, it } from "vitest";
import { buildIndex, markdownWords, searchOffline, searchOfflineResults } from "~/offline/search";
import type { CatalogItem } from "~/offline/types";

const base: Omit<CatalogItem, "id" | "title" | "type"> = {
  summary: "",
  tags: [],
  version: 1,
  versionId: null,
  bodyMd: null,
  file: null,
  previews: [],
  pageCount: null,
  videoUrl: null,
  publishedAt: null,
  expiresAt: null,
  updatedAt: "2026-01-01T00:00:00.000Z",
};

const catalog: CatalogItem[] = [
  {
    ...base,
    id: "deck",
    type: "deck",
    title: "Healthcare meeting kit: clinic operations deck",
    summary: "Scheduling and compliance",
    tags: [{ facet: "industry", value: "healthcare", label: "Healthcare" }],
    publishedAt: "2026-01-02T00:00:00.000Z",
  },
  {
    ...base,
    id: "card",
    type: "battle_card",
    title: "Financial services procurement battle card",
    bodyMd: "## Expect\n- Vendor risk questionnaire (send our pre-filled copy).",
    tags: [{ facet: "industry", value: "finance", label: "Financial services" }],
    publishedAt: "2026-01-03T00:00:00.000Z",
  },
  {
    ...base,
    id: "talk",
    type: "talk_track",
    title: "Healthcare compliance talk track",
    bodyMd: "Ask how their last audit went.",
    tags: [{ facet: "industry", value: "healthcare", label: "Healthcare" }],
    publishedAt: "2026-01-01T00:00:00.000Z",
  },
];
const index = buildIndex(catalog);

describe("offline search", () => {
  it("counts every match while it returns the first ones, so a page can say 30 of 75 and show more", () => {
    const many = buildIndex(
      Array.from({ length: 75 }, (_, i) => ({ ...base, id: `p${i}`, type: "one_pager" as const, title: `Pricing sheet ${i}` })),
    );
    const first = searchOfflineResults(many, { q: "pricing", limit: 30 });
    expect(first.total).toBe(75);
    expect(first.hits).toHaveLength(30);
    const more = searchOfflineResults(many, { q: "pricing", limit: 60 });
    expect(more.hits.slice(0, 30)).toEqual(first.hits);
    expect(searchOfflineResults(many, { type: "one_pager", limit: 10 })).toMatchObject({ total: 75, hits: { length: 10 } });
    expect(searchOfflineResults(many, { q: "nothing" })).toEqual({ hits: [], total: 0 });
  });

  it("finds items by words in the title, ranking title matches first", () => {
    expect(searchOffline(index, { q: "compliance" }).map((h) => h.id)).toEqual(["talk", "deck"]);
  });

  it("finds messaging items by words only in their body, with a snippet around the match", () => {
    const [hit] = searchOffline(index, { q: "questionnaire" });
    expect(hit.id).toBe("card");
    expect(hit.snippet).toBe("Expect Vendor risk questionnaire (send our pre-filled copy).");
  });

  it("quotes Markdown as the words a reader sees", () => {
    expect(
      markdownWords("## Ask\n\n1. Their **last** audit\n2) [The checklist](https://x.test/a_b) and ![chart](c.png)\n> `SOC 2` _first_"),
    ).toBe("Ask Their last audit The checklist and chart SOC 2 first");
    // Not list markers or headings: words that merely start with the characters.
    expect(markdownWords("#hashtag -5% 3.5x")).toBe("#hashtag -5% 3.5x");
  });

  it("matches prefixes and small typos", () => {
    expect(searchOffline(index, { q: "procure" }).map((h) => h.id)).toEqual(["card"]);
    expect(
      searchOffline(index, { q: "healthcar compliance" })
        .map((h) => h.id)
        .sort(),
    ).toEqual(["deck", "talk"]);
    expect(searchOffline(index, { q: "procurment" }).map((h) => h.id)).toEqual(["card"]);
  });

  it("applies the type and tag filters, with or without a facet", () => {
    expect(searchOffline(index, { q: "healthcare", type: "talk_track" }).map((h) => h.id)).toEqual(["talk"]);
    expect(searchOffline(index, { tag: "industry:healthcare" }).map((h) => h.id)).toEqual(["deck", "talk"]);
    expect(searchOffline(index, { tag: "finance" }).map((h) => h.id)).toEqual(["card"]);
  });

  it("says which results are saved on the device", () => {
    const hits = searchOffline(index, { q: "healthcare" }, new Set(["deck"]));
    expect(Object.fromEntries(hits.map((h) => [h.id, h.saved]))).toEqual({ deck: true, talk: false });
  });

  it("finds words as the server's engines do: ligatures, full-width letters, symbols between words, Hindi and Thai", () => {
    const words = buildIndex([
      { ...base, id: "fullwidth", type: "deck", title: "ＫＥＳＴＲＥＬ rollout deck", summary: "The ﬁnance team's view" },
      { ...base, id: "symbol", type: "one_pager", title: "Zephyr™ platform overview" },
      { ...base, id: "scripts", type: "talk_track", title: "हिन्दी मूल्य सूची", summary: "สวัสดี ลูกค้า" },
    ]);
    const ids = (q: string) => searchOffline(words, { q }).map((h) => h.id);
    expect(ids("kestrel")).toEqual(["fullwidth"]);
    expect(ids("finance")).toEqual(["fullwidth"]);
    expect(ids("zephyr platform")).toEqual(["symbol"]);
    expect(ids("मूल्य")).toEqual(["scripts"]);
    expect(ids("สวัสดี")).toEqual(["scripts"]);
  });

  it("finds Japanese and Chinese words inside text written without spaces, as the server's engines do", () => {
    const summary = `${"導入の背景。".repeat(30)}新しい価格表は来月から適用されます。`;
    const words = buildIndex([
      { ...base, id: "ja", type: "deck", title: "営業資料の作り方", summary },
      { ...base, id: "zh", type: "one_pager", title: "销售团队产品介绍", summary: "本季度的客户案例与报价说明" },
      { ...base, id: "mixed", type: "one_pager", title: "iPhone用の導入ガイド" },
    ]);
    const ids = (q: string) => searchOffline(words, { q }).map((h) => h.id);
    for (const [q, want] of [
      ["資料", ["ja"]],
      ["営業資料", ["ja"]],
      ["価格", ["ja"]],
      ["表", ["ja"]],
      ["产品介绍", ["zh"]],
      ["报价", ["zh"]],
      ["iphone", ["mixed"]],
      ["iPhone用", ["mixed"]],
      ["ガイド", ["mixed"]],
      ["営業部", []],
    ] as const) {
      expect({ q, ids: ids(q) }).toEqual({ q, ids: want });
    }
    // The snippet starts 60 characters before the match, as for any other word.
    expect(searchOffline(words, { q: "価格表" })[0].snippet).toBe(`…${summary.slice(summary.indexOf("価格表") - 60)}`);
  });

  it("finds Thai, Lao and Khmer words inside text that runs them together, as the server's engines do", () => {
    const words = buildIndex([
      { ...base, id: "th", type: "deck", title: "ใบเสนอราคาสำหรับลูกค้าองค์กร" },
      { ...base, id: "lo", type: "one_pager", title: "ເອກະສານການຂາຍ", summary: "ឯកសារលក់" },
    ]);
    const ids = (q: string) => searchOffline(words, { q }).map((h) => h.id);
    for (const [q, want] of [
      ["ราคา", ["th"]],
      ["ลูกค้า องค์กร", ["th"]],
      ["ใบเสนอราคา", ["th"]],
      ["ການຂາຍ", ["lo"]],
      ["លក់", ["lo"]],
      ["ราคาถูก", []],
    ] as const) {
      expect({ q, ids: ids(q) }).toEqual({ q, ids: want });
    }
  });

  it("finds accented words typed without their accents and the reverse, with the snippet at the match", () => {
    const body = `${"Introduction. ".repeat(20)}Straße und Gebühren für die Filiale in München.`;
    const words = buildIndex([
      {
        ...base,
        id: "resume",
        type: "deck",
        title: "Résumé template",
        summary: "For the São Paulo team",
        bodyMd: body,
      },
      { ...base, id: "plain", type: "one_pager", title: "Naive quesadilla guide", summary: "Lodz and Zurich desks" },
      { ...base, id: "greek", type: "talk_track", title: "Τιμοκατάλογος", summary: "Ёлочная ярмарка" },
    ]);
    const ids = (q: string) => searchOffline(words, { q }).map((h) => h.id);
    for (const q of ["resume", "RESUME template", "sao paulo", "munchen", "strasse"]) {
      expect({ q, ids: ids(q) }).toEqual({ q, ids: ["resume"] });
    }
    for (const q of ["naïve", "Łódź", "zürich"]) expect({ q, ids: ids(q) }).toEqual({ q, ids: ["plain"] });
    for (const q of ["τιμοκαταλογος", "елочная"]) expect({ q, ids: ids(q) }).toEqual({ q, ids: ["greek"] });
    const [hit] = searchOffline(words, { q: "munchen" });
    expect(hit.title).toBe("Résumé template");
    // 60 characters before the match, in the text as written, although "ß" folds to two letters before it.
    expect(hit.snippet).toBe(`…${body.slice(body.indexOf("München") - 60)}`);
  });

  it("keeps the vowel signs of Hindi words and the Cyrillic й, as the server's engine does", () => {
    const words = buildIndex([
      { ...base, id: "hindi", type: "deck", title: "बिक्री प्रस्ताव" },
      { ...base, id: "russian", type: "deck", title: "Отчёт за май" },
    ]);
    const ids = (q: string) => searchOffline(words, { q }).map((h) => h.id);
    expect(ids("बिक्री")).toEqual(["hindi"]);
    expect(ids("बकर")).toEqual([]);
    expect(ids("май")).toEqual(["russian"]);
    expect(ids("маи")).toEqual([]);
    expect(ids("отчет")).toEqual(["russian"]);
  });

  it("returns nothing for words no item has", () => {
    expect(searchOffline(index, { q: "zeppelin" })).toEqual([]);
  });

  it("leaves out an item whose expiry date passed while the phone was offline, by words or by filter", () => {
    const expiring = buildIndex(catalog.map((c) => (c.id === "talk" ? { ...c, expiresAt: "2026-06-01T00:00:00.000Z" } : c)));
    const before = Date.parse("2026-05-31T23:59:00.000Z");
    const after = Date.parse("2026-06-01T00:00:00.000Z");
    expect(searchOffline(expiring, { q: "compliance" }, new Set(), before).map((h) => h.id)).toEqual(["talk", "deck"]);
    expect(searchOffline(expiring, { q: "compliance" }, new Set(), after).map((h) => h.id)).toEqual(["deck"]);
    expect(searchOffline(expiring, { tag: "industry:healthcare" }, new Set(), after).map((h) => h.id)).toEqual(["deck"]);
  });
});
