// Zod's error class for route actions. NOTE: route modules import it from here, not from "zod": a
// `.server` module is empty in the browser bundle, while a plain `import { ZodError } from "zod"` in a
// route made esbuild load all of zod (~450 KB, ~100 KB gzip) on pages that never validate in the browser.
export { ZodError } from "zod";
