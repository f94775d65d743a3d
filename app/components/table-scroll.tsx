// A table that can be wider than a phone scrolls sideways inside this box.
import type { CSSProperties, ReactNode } from "react";

/**
 * NOTE: a keyboard can only scroll a box that takes focus, and a table of numbers has nothing focusable
 * inside: the box is a named, focusable region (WCAG 2.1.1; axe `scrollable-region-focusable`).
 */
export function TableScroll({ label, style, children }: { label: string; style?: CSSProperties; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0} style={style}>
      {children}
    </div>
  );
}
