// Whether the request that just failed without an answer was a form being sent or a page being opened.
// The route's error boundary sees only the error; the error page must then say that the tap did not go
// through, where "this page isn't stored on this device" would be wrong: the seller was on that page.
// Wired in app/components/nav-progress.tsx (mounted once); read by app/components/error-boundary.tsx.
// NOTE: the navigation's own "submitting" state cannot tell: offline the fetch fails at once, and the
// router's "submitting" and failed "idle" may reach React as one render. The form's submit event can.

/** How long after a form is sent a failure is taken for that form's (an offline fetch fails at once). */
const WINDOW_MS = 10_000;
let sentAt = 0;

/** Listens for forms being sent (not GET forms; not those the outbox took over, which stop the event). */
export function watchSubmissions(): () => void {
  const onSubmit = (event: SubmitEvent) => {
    const form = event.target as HTMLFormElement;
    const method = (event.submitter?.getAttribute("formmethod") ?? form.method ?? "get").toLowerCase();
    sentAt = method === "get" ? 0 : Date.now();
  };
  window.addEventListener("submit", onSubmit);
  return () => window.removeEventListener("submit", onSubmit);
}

/** A page began to load: a later failure is the page's, not the form's. */
export function notePageLoading() {
  sentAt = 0;
}

/** A form was sent in the last few seconds, and no page has begun to load since. */
export const lastNavigationWasSubmission = () => Date.now() - sentAt < WINDOW_MS;
