import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { InlineCssProvider, inlinedCss } from "./components/app-styles";

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <InlineCssProvider value={inlinedCss()}>
        <RemixBrowser />
      </InlineCssProvider>
    </StrictMode>,
  );
});
