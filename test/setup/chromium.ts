// The Debian Chromium every browser test and the Lighthouse bench drive, and the flags that keep it
// quiet and reproducible (no network of its own, no updates, no sandbox in CI containers).
export const CHROMIUM = "/usr/bin/chromium";

/** Without `--headless`: playwright adds it itself; a bare spawn passes it explicitly. */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
