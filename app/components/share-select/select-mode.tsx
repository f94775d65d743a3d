// "Select" mode for Search and Saved: a toggle that reveals a checkbox on each card, a live count, the cap's
// message, and "Share selected". Checkboxes are real inputs with the item's title as their name, so
// keyboards and screen readers work without extra wiring.
import { Link } from "@remix-run/react";
import { useCallback, useEffect, useState } from "react";
import { countLabel, emptySelection, isSelected, shareHref, toggle, type Selectable, type Selection } from "./selection";

export function useShareSelection() {
  const [active, setActive] = useState(false);
  // False in the server's page: the scripts start after the first paint, and a tap before then does nothing.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const [selection, setSelection] = useState<Selection>(emptySelection);
  const pick = useCallback((item: Selectable) => setSelection((s) => toggle(s, item)), []);
  const stop = useCallback(() => {
    setActive(false);
    setSelection(emptySelection);
  }, []);
  return { active, ready, start: () => setActive(true), stop, selection, setSelection, pick };
}
export type ShareSelection = ReturnType<typeof useShareSelection>;

/**
 * The bar above a list. Online, "Share selected" is a link to the new-share page; `onShare` replaces it
 * (the Saved tab offline makes the link on the device instead).
 */
export function SelectBar({ sel, label, onShare }: { sel: ShareSelection; label: string; onShare?: (items: Selectable[]) => void }) {
  const n = sel.selection.items.length;
  if (!sel.active) {
    return (
      <p className="select-bar">
        <button type="button" className="secondary" onClick={sel.start} disabled={!sel.ready}>
          Select {label} to share
        </button>
      </p>
    );
  }
  return (
    <div className="select-bar active" role="group" aria-label={`Select ${label} to share`}>
      <p className="select-count" aria-live="polite">
        {countLabel(sel.selection)}
      </p>
      {onShare ? (
        <button type="button" disabled={n === 0} onClick={() => onShare(sel.selection.items)}>
          Share selected
        </button>
      ) : n > 0 ? (
        <Link className="button" to={shareHref(sel.selection)}>
          Share selected
        </Link>
      ) : (
        <button type="button" disabled>
          Share selected
        </button>
      )}
      <button type="button" className="secondary" onClick={sel.stop}>
        Cancel
      </button>
      <p className="select-notice" role="alert">
        {sel.selection.notice ?? ""}
      </p>
    </div>
  );
}

/** One card's checkbox; an internal-only item shows why it cannot be picked. */
export function SelectBox({ sel, item }: { sel: ShareSelection; item: Selectable }) {
  if (!sel.active) return null;
  const id = `select-${item.id}`;
  return (
    <span className="select-box">
      <input
        type="checkbox"
        id={id}
        checked={isSelected(sel.selection, item.id)}
        disabled={!item.shareable}
        onChange={() => sel.pick(item)}
        aria-describedby={item.shareable ? undefined : `${id}-why`}
      />
      <label htmlFor={id} className="visually-hidden">
        Select {item.title}
      </label>
      {item.shareable ? null : (
        <span id={`${id}-why`} className="meta">
          Internal only
        </span>
      )}
    </span>
  );
}
