// One error boundary for every route: expected statuses get a sentence a person can act on,
// anything else a generic apology (details go to the server log, not the page).
import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { useContext } from "react";
import { isOfflineFailure } from "~/offline/fallback";
import { lastNavigationWasSubmission } from "~/offline/submissions";
import { InsideShell } from "./shell";

const MESSAGES: Record<number, { title: string; body: string }> = {
  400: { title: "That request didn't make sense", body: "Check what you entered and try again." },
  401: { title: "Please sign in", body: "Your session has ended. Sign in again to continue." },
  403: { title: "Not available for your role", body: "Ask an admin if you think you should have access." },
  404: { title: "Not found", body: "It may have been archived, moved, or it isn't shared with your team." },
  413: { title: "Too large", body: "That file is over the upload limit." },
  429: { title: "Slow down", body: "Too many attempts. Wait a little and try again." },
  503: { title: "Temporarily unavailable", body: "Fieldkit can't reach its database right now. Try again in a moment." },
};

const OFFLINE = {
  title: "This page needs a connection",
  body: "You're offline and this page isn't stored on this device. Saved items and search still work.",
};
// A form sent without a connection: it may not have reached Fieldkit, or its answer may not have come back.
const OFFLINE_SENT = {
  title: "Not sent: you're offline",
  body: "What you sent did not get an answer, so it may not have been done. Once you have a connection, open the page again and check it before you send it again.",
};

export function GeneralErrorBoundary() {
  const error = useRouteError();
  const offline = isOfflineFailure(error);
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const sent = offline && lastNavigationWasSubmission();
  const known = offline ? (sent ? OFFLINE_SENT : OFFLINE) : MESSAGES[status];
  const detail = isRouteErrorResponse(error) ? messageOf(error.data) : null;
  if (!isRouteErrorResponse(error) && !offline) console.error(error);
  // A page's error inside the signed-in shell sits in the shell's <main>; a layout's error is the page.
  // Not role="alert": the error is the whole page and its h1 says so; an alert role would also replace
  // the page's only main landmark.
  const Box = useContext(InsideShell) ? "div" : "main";
  return (
    <Box className="error-page">
      <p className="error-code">{offline ? "Offline" : status}</p>
      <h1>{known?.title ?? "Something went wrong"}</h1>
      <p>{detail ?? known?.body ?? "An unexpected error happened. It has been logged; try again."}</p>
      <p>
        {/* A document load, not a client navigation: offline the service worker sends "/" to the stored
            Home page; a client navigation would need the server to decide where "/" leads. */}
        {sent ? (
          <>
            {/* The page the form was on, loaded again: with a connection it shows what was done. */}
            <Link to={typeof window === "undefined" ? "/" : window.location.pathname + window.location.search} reloadDocument>
              Open the page again
            </Link>
            {" · "}
          </>
        ) : null}
        <Link to="/" reloadDocument>
          Go to your home page
        </Link>
        {offline ? (
          <>
            {" · "}
            <Link to="/saved">Saved items</Link>
          </>
        ) : null}
        {status === 401 ? (
          <>
            {" · "}
            <Link to="/login">Sign in</Link>
          </>
        ) : null}
      </p>
    </Box>
  );
}

/** The sentence a loader threw with: the body itself, or the `message` of a body that carries more. */
function messageOf(body: unknown): string | null {
  const message = typeof body === "object" && body !== null && "message" in body ? body.message : body;
  return typeof message === "string" && message.length < 300 ? message : null;
}
