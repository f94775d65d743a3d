// Build the Remix app (and service worker) when the sources are newer than the last build.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

export const BUILD_PATH = path.resolve("build/index.js");
const SOURCE_DIRS = ["app", "content", "db", "search", "vocabulary"];
/** Build outputs whose absence forces a build. */
const OUTPUTS = [BUILD_PATH, path.resolve("public/sw.js")];

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (/\.(tsx?|css|json|svg)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export function buildIfNeeded(log: (line: string) => void = console.log): void {
  const hasSw = existsSync("app/sw");
  const outputs = hasSw ? OUTPUTS : [BUILD_PATH];
  const built = outputs.every(existsSync) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  const newest = Math.max(...SOURCE_DIRS.filter(existsSync).map(newestSourceMtime));
  if (built >= newest) return;
  log("Building Fieldkit…");
  execFileSync("npm", ["run", "-s", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
}
