// A thin progress line at the top while a tap waits for the next page. Only after 150 ms: a fast answer
// shows nothing, so quick taps do not flicker. Mounted once in root.tsx, it also tells
// app/offline/submissions.ts about forms sent and pages loading, for the offline error page.
import { useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { notePageLoading, watchSubmissions } from "~/offline/submissions";

export const PROGRESS_DELAY_MS = 150;

export function NavProgress() {
  const { state, formMethod } = useNavigation();
  const busy = state !== "idle";
  const [visible, setVisible] = useState(false);
  // The error page needs to know whether a failure offline was a form being sent (app/offline/submissions.ts).
  useEffect(() => watchSubmissions(), []);
  useEffect(() => {
    // Loading after a form was sent is its page being read again, still the form's doing.
    if (state === "loading" && !formMethod) notePageLoading();
  }, [state, formMethod]);
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
