import { describe, expect, it } from "vitest";
import { PG_CJK_CLASS, cjkIndexText, cjkQueryTerms, hasCjk, joinCjk, spreadCjk } from "@/vocabulary/cjk";

describe("Chinese and Japanese words by their characters", () => {
  it("tells text with Han, Hiragana or Katakana (half-width too) from any other script", () => {
    for (const t of ["資料", "かな", "カナ", "ｶﾅ", "𠀋", "販売ー", "iPhone用"]) expect({ t, cjk: hasCjk(t) }).toEqual({ t, cjk: true });
    for (const t of ["pricing", "Résumé", "हिन्दी", "สวัสดี", "한국어", "Ёлка", "™", ""])
      expect({ t, cjk: hasCjk(t) }).toEqual({ t, cjk: false });
  });

  it("indexes every character and every pair of neighbours, and leaves other words as they are", () => {
    expect(cjkIndexText("営業資料").trim().split(/ +/)).toEqual(["営", "業", "資", "料", "営業", "業資", "資料"]);
    expect(cjkIndexText("Atlas 価格表 deck").split(/ +/)).toEqual(["Atlas", "価", "格", "表", "価格", "格表", "deck"]);
    // A character outside the Basic Multilingual Plane is one character, not two halves.
    expect(cjkIndexText("𠀋𠀌").trim().split(/ +/)).toEqual(["𠀋", "𠀌", "𠀋𠀌"]);
  });

  it("looks for a word's pairs, or its one character, and for the other letters in it as words", () => {
    expect(cjkQueryTerms("営業資料")).toEqual(["営業", "業資", "資料"]);
    expect(cjkQueryTerms("表")).toEqual(["表"]);
    expect(cjkQueryTerms("iphone用")).toEqual(["iphone", "用"]);
    expect(cjkQueryTerms("q3価格v2")).toEqual(["q3", "価格", "v2"]);
  });

  it("spreads characters apart and joins them back as written, with one highlight around a word", () => {
    const text = "新しい価格表 (Atlas™) は、来月から。";
    const spread = spreadCjk(text, "\u200b");
    expect(
      spread
        .split("\u200b")
        .filter((s) => s.length === 1 && hasCjk(s))
        .join(""),
    ).toBe("新しい価格表は来月から");
    expect(joinCjk(spread, "\u200b")).toBe(text);
    // What an engine gives back when it highlighted "価", "格" and "表", each a word to it.
    const marked = spreadCjk("新しい価格表は", "\u001f").replace(/[価格表]/g, "<$&>");
    expect(joinCjk(marked, "\u001f", { start: "<", end: ">" })).toBe("新しい<価格表>は");
    // Given the query's words, the characters marked on their own elsewhere lose their mark; other scripts keep theirs.
    const stray = spreadCjk("製造業の営業資料 Atlas", "\u001f")
      .replace(/[営業資料]/g, "<$&>")
      .replace("Atlas", "<Atlas>");
    expect(joinCjk(stray, "\u001f", { start: "<", end: ">", words: ["営業資料", "atlas"] })).toBe("製造業の<営業資料> <Atlas>");
  });

  it("writes the same set of characters for PostgreSQL's regular expressions", () => {
    const pg = new RegExp(PG_CJK_CLASS, "u");
    for (const c of ["ぁ", "ゟ", "ァ", "ヿ", "ㇰ", "㐀", "一", "鿿", "豈", "ｦ", "ﾟ", "𠀀", "𲎯"])
      expect({ c, pg: pg.test(c), js: hasCjk(c) }).toEqual({ c, pg: true, js: true });
    for (const c of ["a", "é", "ㄱ", "가", "〇", "、"]) expect({ c, pg: pg.test(c), js: hasCjk(c) }).toEqual({ c, pg: false, js: false });
  });
});
