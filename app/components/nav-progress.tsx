// A thin progress line at the top while a tap waits for the next page. Only after 150 ms: a fast answer
// shows nothing, so quick taps do not flicker.
import { useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";

export const PROGRESS_DELAY_MS = 150;

export function NavProgress() {
  const busy = useNavigation().state !== "idle";
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!busy) return setVisible(false);
    const timer = setTimeout(() => setVisible(true), PROGRESS_DELAY_MS);
    return () => clearTimeout(timer);
  }, [busy]);
  if (!visible) return null;
  // A labelled section is a landmark: the line sits above the shell's own landmarks, and content outside
  // any landmark is lost to screen-reader navigation (axe "region").
  return (
    <section aria-label="Page loading">
      <div className="nav-progress" role="progressbar" aria-label="Loading the next page">
        <span />
      </div>
    </section>
  );
}
