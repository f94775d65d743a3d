// The "Select" mode's rules, kept free of React so they can be tested alone: at most MAX_SHARE_ITEMS,
// only shareable items, in the order they were picked (the share keeps that order).
import { MAX_SHARE_ITEMS } from "@/vocabulary/shares";

export type Selectable = { id: string; title: string; shareable: boolean };
export type Selection = { items: Selectable[]; notice: string | null };

export const emptySelection: Selection = { items: [], notice: null };

export const isSelected = (selection: Selection, id: string) => selection.items.some((i) => i.id === id);

/** Picks or unpicks one item; a refused pick leaves the selection as it was and says why. */
export function toggle(selection: Selection, item: Selectable, max = MAX_SHARE_ITEMS): Selection {
  if (isSelected(selection, item.id)) return { items: selection.items.filter((i) => i.id !== item.id), notice: null };
  if (!item.shareable) return { items: selection.items, notice: `“${item.title}” is internal only and cannot be shared with buyers.` };
  if (selection.items.length >= max)
    return { items: selection.items, notice: `A share holds at most ${max} items. Unselect one to pick “${item.title}”.` };
  return { items: [...selection.items, item], notice: null };
}

/** Drops picks no longer on the list or no longer shareable (a new search keeps what is still shown). */
export function keepAvailable(selection: Selection, available: Selectable[]): Selection {
  const now = new Map(available.map((a) => [a.id, a]));
  const items = selection.items.filter((i) => now.get(i.id)?.shareable === true);
  return items.length === selection.items.length ? selection : { items, notice: null };
}

export function countLabel(selection: Selection, max = MAX_SHARE_ITEMS) {
  const n = selection.items.length;
  if (n === 0) return "Nothing selected";
  return `${n} selected${n >= max ? ` (the most a share holds)` : ""}`;
}

/** The new-share page with the picks, in order (`/shares/new` reads repeated `item` parameters). */
export function shareHref(selection: Selection) {
  const params = new URLSearchParams();
  for (const i of selection.items) params.append("item", i.id);
  return `/shares/new?${params}`;
}
