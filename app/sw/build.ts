// Build step after `remix build`: icons from one SVG, the offline fallback page, and the service worker
// (esbuild bundles app/sw/sw.ts into an IIFE, then workbox-build injects the precache manifest → public/sw.js).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import sharp from "sharp";
import { injectManifest } from "workbox-build";

const root = path.resolve(fileURLToPath(new URL("../..", import.meta.url)));
const pub = path.join(root, "public");
const iconSource = path.join(root, "app/sw/icon.svg");

export const ICONS = [
  { file: "icon-192.png", size: 192, maskable: false },
  { file: "icon-512.png", size: 512, maskable: false },
  // Maskable: the platform crops to its own shape, so the artwork sits inside the central 80 % safe zone
  // on a full-bleed background.
  { file: "maskable-512.png", size: 512, maskable: true },
] as const;

async function writeIcons() {
  const dir = path.join(pub, "icons");
  mkdirSync(dir, { recursive: true });
  const svg = readFileSync(iconSource);
  for (const icon of ICONS) {
    if (!icon.maskable) {
      await sharp(svg, { density: 300 }).resize(icon.size, icon.size).png().toFile(path.join(dir, icon.file));
      continue;
    }
    const inner = Math.round(icon.size * 0.8);
    const art = await sharp(svg, { density: 300 }).resize(inner, inner).png().toBuffer();
    await sharp({ create: { width: icon.size, height: icon.size, channels: 4, background: "#1d4ed8" } })
      .composite([{ input: art, gravity: "center" }])
      .png()
      .toFile(path.join(dir, icon.file));
  }
}

function writeOfflinePage() {
  const assets = path.join(pub, "build/_assets");
  const css = existsSync(assets) ? readdirSync(assets).find((f) => /^app-[A-Z0-9]+\.css$/.test(f)) : undefined;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#1d4ed8">
<title>Offline · Fieldkit</title>
${css ? `<link rel="stylesheet" href="/build/_assets/${css}">` : ""}
<link rel="icon" href="/icons/icon-192.png" type="image/png">
</head>
<body>
<header class="topbar"><a class="brand" href="/home">Fieldkit</a><span class="net-status"><span class="net-offline">You're offline.</span></span></header>
<main class="error-page">
<p class="error-code" aria-hidden="true">Offline</p>
<h1>Not saved on this device</h1>
<p>You're offline, and this page wasn't saved for offline use. Open it again when you're back online. Your tabs, saved items and search over the whole catalog work without a connection.</p>
<p><a class="button" href="/home">Home</a> <a class="button secondary" href="/saved">Saved items</a></p>
<p><a href="/search">Search offline</a> · <a href="">Try again</a></p>
</main>
</body>
</html>
`;
  writeFileSync(path.join(pub, "offline.html"), html);
}

async function writeServiceWorker() {
  const bundled = path.join(root, "build/sw.bundle.js");
  await build({
    entryPoints: [path.join(root, "app/sw/sw.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome109", "safari16"],
    minify: true,
    sourcemap: false,
    // Workbox's debug logging is compiled out in production builds.
    define: { "process.env.NODE_ENV": '"production"' },
    outfile: bundled,
    logLevel: "warning",
  });
  const { count, size, warnings } = await injectManifest({
    swSrc: bundled,
    swDest: path.join(pub, "sw.js"),
    globDirectory: pub,
    globPatterns: ["build/**/*.{js,css}", "offline.html", "icons/*.png"],
    modifyURLPrefix: { "": "/" },
    // Build files carry their content hash in the name; no revision needed.
    dontCacheBustURLsMatching: /^\/?build\/.*-[A-Z0-9]{8}\.(js|css)$/,
  });
  rmSync(bundled, { force: true });
  for (const w of warnings) console.warn(`workbox: ${w}`);
  return { count, size };
}

const started = Date.now();
await writeIcons();
writeOfflinePage();
const { count, size } = await writeServiceWorker();
console.log(`Service worker: public/sw.js precaches ${count} files (${Math.round(size / 1024)} KB) — ${Date.now() - started} ms`);
