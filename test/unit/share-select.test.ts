// The "Select" mode's rules: shareable items only, at most ten, order kept, unpick, and the link it makes.
import { describe, expect, it } from "vitest";
import { countLabel, emptySelection, keepAvailable, shareHref, toggle, type Selectable } from "~/components/share-select/selection";
import { MAX_SHARE_ITEMS } from "@/vocabulary/shares";

const item = (n: number, shareable = true): Selectable => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  title: `Item ${n}`,
  shareable,
});

describe("share selection", () => {
  it("picks in order, unpicks, and counts", () => {
    let s = toggle(toggle(emptySelection, item(2)), item(1));
    expect(s.items.map((i) => i.title)).toEqual(["Item 2", "Item 1"]);
    expect(countLabel(s)).toBe("2 selected");
    s = toggle(s, item(2));
    expect(s.items.map((i) => i.title)).toEqual(["Item 1"]);
    expect(countLabel(toggle(s, item(1)))).toBe("Nothing selected");
  });

  it("refuses an internal-only item and says why", () => {
    const s = toggle(toggle(emptySelection, item(1)), item(2, false));
    expect(s.items).toHaveLength(1);
    expect(s.notice).toMatch(/“Item 2” is internal only/);
    expect(toggle(s, item(3)).notice).toBeNull();
  });

  it("stops at the share's limit with a clear message, and frees a place when one is unpicked", () => {
    let s = emptySelection;
    for (let n = 1; n <= MAX_SHARE_ITEMS; n++) s = toggle(s, item(n));
    expect(countLabel(s)).toBe(`${MAX_SHARE_ITEMS} selected (the most a share holds)`);
    const refused = toggle(s, item(99));
    expect(refused.items).toHaveLength(MAX_SHARE_ITEMS);
    expect(refused.notice).toBe(`A share holds at most ${MAX_SHARE_ITEMS} items. Unselect one to pick “Item 99”.`);
    const freed = toggle(toggle(refused, item(1)), item(99));
    expect(freed.items.map((i) => i.title).at(-1)).toBe("Item 99");
    expect(freed.items).toHaveLength(MAX_SHARE_ITEMS);
  });

  it("drops picks that left the list or became internal", () => {
    const s = toggle(toggle(toggle(emptySelection, item(1)), item(2)), item(3));
    const kept = keepAvailable(s, [item(1), item(2, false)]);
    expect(kept.items.map((i) => i.title)).toEqual(["Item 1"]);
    expect(keepAvailable(kept, [item(1)])).toBe(kept);
  });

  it("links to the new-share page with one item parameter per pick, in order", () => {
    const s = toggle(toggle(emptySelection, item(2)), item(1));
    const url = new URL(shareHref(s), "http://x");
    expect(url.pathname).toBe("/shares/new");
    expect(url.searchParams.getAll("item")).toEqual([item(2).id, item(1).id]);
  });
});
