import type { ActionFunctionArgs, AppLoadContext, EntryContext, LoaderFunctionArgs } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./components/nonce";
import { InlineCssProvider } from "./components/app-styles";
import { DocumentMarkupProvider } from "./components/document-markup";
import { DEFERRED_MODULE_TYPE, DEFERRED_PRELOAD_REL } from "./components/scripts-after-paint";
import { builtCss } from "./components/app-styles.server";
import styles from "./styles/app.css";
import { isUnavailable, unavailableResponse } from "./modules/errors.server";
import { deferModuleScripts } from "./modules/document-scripts.server";
import { coalescePerTurn } from "./modules/document-stream.server";

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // A loader hit the database outage (the client has just marked it down): the same 503 page the HTTP
  // server's gate serves, not the generic 500 boundary.
  if (responseStatusCode >= 500 && loadContext.app?.dbHandle.availability.down) return unavailableResponse(request);
  const nonce = loadContext.cspNonce ?? "";
  // Bots and no-JS clients get the whole document at once; browsers get it streamed.
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <InlineCssProvider value={builtCss(styles)}>
          <DocumentMarkupProvider value={loadContext.app?.documentMarkup ?? null}>
            <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
          </DocumentMarkupProvider>
        </InlineCssProvider>
      </NonceProvider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = coalescePerTurn();
          // The render is done once React ends the stream: its abort timer would otherwise hold the whole
          // request (tree, data, document) in memory for seconds after the response has gone.
          body.once("finish", () => clearTimeout(abortTimer));
          // NOTE: production only: in development React would warn about every rewritten tag on hydration.
          const out =
            process.env.NODE_ENV === "production"
              ? body.pipe(deferModuleScripts({ moduleType: DEFERRED_MODULE_TYPE, preloadRel: DEFERRED_PRELOAD_REL }))
              : body;
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(out), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError: reject,
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    const abortTimer = setTimeout(abort, ABORT_DELAY + 1_000);
  });
}

/** Remix's default, minus outages: the database client logs those once, not a stack per request. */
export function handleError(error: unknown, { request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  // NOTE: a loader that met the outage first marks the database down here, before the document is
  // rendered, so `handleRequest` answers the 503 page rather than the generic 500 boundary.
  if (isUnavailable(error)) context.app?.dbHandle.availability.report(error);
  if (isUnavailable(error) || request.signal.aborted) return;
  // Remix's own 4xx (a GET to a form-only route, an unknown path) are answers, not bugs: no stack each time.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  console.error(error);
}
