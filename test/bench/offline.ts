// Offline figures: search over a 10k-item device catalog with the app's own MiniSearch code, and the gzip size
// of the JavaScript a seller's first page load pulls.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { buildIndex, searchOffline, type OfflineQuery } from "~/offline/search";
import type { CatalogItem } from "~/offline/types";
import { seededRandom } from "../setup/random";
import type { Figures } from "./figures";

const WORDS = (
  "pricing discount pilot renewal procurement security compliance audit privacy clinic hospital patient retail store " +
  "inventory forecast analytics dashboard workflow integration onboarding rollout migration contract negotiation " +
  "objection competitor battle proof case study roi savings budget cfo cio operations field mobile offline signal " +
  "visit checklist training certification partner channel region east west emea enterprise midmarket startup " +
  "quality inspection manufacturing finance bank insurance healthcare pharmacy logistics fleet warehouse energy"
).split(" ");
const FILLER = "the and of to for with our your a in on is it that this we you are by from at as".split(" ");

/**
 * A realistic vocabulary drawn with a Zipf distribution (a few words everywhere, most rare), as in real text:
 * function words take the top ranks, the domain words are spread over ranks 20–1,500 among 2,000 generated
 * ones. A tiny uniform vocabulary would put every word in every document, which no real catalog does.
 */
function vocabulary(r: () => number): string[] {
  const syllables = [
    "ka",
    "lo",
    "mi",
    "re",
    "tu",
    "sa",
    "no",
    "vi",
    "pe",
    "da",
    "go",
    "ri",
    "mu",
    "te",
    "ba",
    "zo",
    "fi",
    "le",
    "cu",
    "an",
  ];
  const extra = new Set<string>();
  while (extra.size < 2_000) {
    const n = 2 + Math.floor(r() * 3);
    extra.add(Array.from({ length: n }, () => syllables[Math.floor(r() * syllables.length)]).join(""));
  }
  const ranked = [...extra];
  for (const w of WORDS) ranked.splice(Math.floor(r() * 1_480), 0, w);
  return [...FILLER, ...ranked];
}

function zipfPicker(r: () => number, size: number) {
  const weights = Array.from({ length: size }, (_, i) => 1 / (i + 1));
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w));
  return () => {
    const x = r() * sum;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const TYPES = [
  "deck",
  "document",
  "one_pager",
  "spreadsheet",
  "image",
  "talk_track",
  "battle_card",
  "objection_handling",
  "definition",
  "email_template",
];
const MESSAGING = new Set(["talk_track", "battle_card", "objection_handling", "definition", "email_template"]);
const TAGS = [
  { facet: "industry", value: "healthcare", label: "Healthcare" },
  { facet: "industry", value: "finance", label: "Financial services" },
  { facet: "industry", value: "retail", label: "Retail" },
  { facet: "product", value: "atlas", label: "Atlas Platform" },
  { facet: "product", value: "beacon", label: "Beacon Analytics" },
  { facet: "stage", value: "discovery", label: "Discovery" },
  { facet: "stage", value: "negotiation", label: "Negotiation" },
];

export function generateCatalog(n: number, seed = 42): CatalogItem[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const vocab = vocabulary(seededRandom(1));
  const zipf = zipfPicker(r, vocab.length);
  const words = (k: number) => Array.from({ length: k }, () => vocab[zipf()]).join(" ");
  return Array.from({ length: n }, (_, i) => {
    const type = pick(TYPES);
    const day = new Date(Date.UTC(2025, 0, 1) + Math.floor(r() * 400) * 86_400_000).toISOString();
    return {
      id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
      type,
      title: `${words(3)} ${pick(["guide", "deck", "card", "sheet", "brief"])}`,
      summary: words(12),
      tags: [pick(TAGS), pick(TAGS)].filter((t, j, a) => a.indexOf(t) === j),
      version: 1 + Math.floor(r() * 4),
      versionId: null,
      // Messaging items carry their whole body (~120 words), as the sync API sends them.
      bodyMd: MESSAGING.has(type) ? `## ${words(2)}\n${words(60)}\n\n- ${words(20)}\n- ${words(20)}` : null,
      file: MESSAGING.has(type) ? null : { filename: "x.pdf", mime: "application/pdf", size: 100_000 },
      previews: [],
      pageCount: null,
      videoUrl: null,
      publishedAt: day,
      expiresAt: null,
      updatedAt: day,
    };
  });
}

/** Sellers search with the words the catalog uses (same Zipf draw), half of them domain words. */
export function queries(n: number, seed = 7): OfflineQuery[] {
  const r = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const vocab = vocabulary(seededRandom(1));
  const zipf = zipfPicker(r, vocab.length);
  const word = () => (r() < 0.5 ? pick(WORDS) : vocab[zipf()]);
  return Array.from({ length: n }, () => {
    const kind = r();
    if (kind < 0.4) return { q: word() };
    if (kind < 0.65) return { q: `${word()} ${word()}` };
    if (kind < 0.8) return { q: word().slice(0, 4) }; // still typing: a prefix
    if (kind < 0.9) {
      const w = pick(WORDS.filter((x) => x.length >= 6));
      return { q: w.slice(0, 2) + w.slice(3) }; // a typo
    }
    return { q: word(), type: pick(TYPES), tag: `${pick(TAGS).facet}:${pick(TAGS).value}` };
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

function benchSearch(): Figures {
  const catalog = generateCatalog(10_000);
  const t0 = performance.now();
  const index = buildIndex(catalog);
  const buildMs = performance.now() - t0;
  const saved = new Set(catalog.slice(0, 200).map((c) => c.id));
  const qs = queries(1_000);
  for (const q of qs.slice(0, 100)) searchOffline(index, q, saved); // warm-up (JIT)
  const times: number[] = [];
  let hits = 0;
  for (const q of qs) {
    const s = performance.now();
    hits += searchOffline(index, { ...q, limit: 30 }, saved).length;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const p95 = percentile(times, 95);
  return {
    offline_search_p95_ms_10k: {
      value: Math.round(p95 * 100) / 100,
      unit: "ms",
      conditions: `Node ${process.version}, unthrottled; app/offline/search.ts (MiniSearch, prefix + fuzzy, AND) over 10,000 generated catalog entries (Zipf-distributed 2,100-word vocabulary, function words most frequent; 50% messaging with ~120-word bodies); 1,000 queries (1–2 words, prefixes, typos, type+tag filters), top 30; p50 ${percentile(times, 50).toFixed(2)} ms; index build ${Math.round(buildMs)} ms; ${(hits / qs.length).toFixed(1)} hits/query`,
    },
  };
}

/** The seller's first page load: entry + root + _app + _app.home chunks (with their imports) + the manifest. */
function benchSellerJs(): Figures {
  const dir = path.resolve("public/build");
  const manifestFile = readdirSync(dir)
    .filter((f) => /^manifest-[A-Z0-9]+\.js$/.test(f))
    .map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t)[0]?.f;
  if (!manifestFile) throw new Error("No Remix build in public/build: run `npm run build` first.");
  const manifestSource = readFileSync(path.join(dir, manifestFile), "utf8");
  const manifest = JSON.parse(manifestSource.replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as {
    entry: { module: string; imports?: string[] };
    routes: Record<string, { module: string; imports?: string[] }>;
  };
  const files = new Set<string>([manifest.entry.module, ...(manifest.entry.imports ?? [])]);
  for (const id of ["root", "routes/_app", "routes/_app.home"]) {
    const route = manifest.routes[id];
    if (!route) throw new Error(`Route ${id} is not in the build manifest.`);
    files.add(route.module);
    for (const i of route.imports ?? []) files.add(i);
  }
  let gz = gzipSync(manifestSource).length;
  let raw = manifestSource.length;
  for (const url of files) {
    const body = readFileSync(path.join(dir, url.replace(/^\/build\//, "")));
    raw += body.length;
    gz += gzipSync(body).length;
  }
  return {
    seller_js_gzip_kb: {
      value: Math.round((gz / 1024) * 10) / 10,
      unit: "KB",
      conditions: `gzip (level 6) of ${files.size} JS files (entry, root, _app, _app.home and their shared chunks) + the route manifest from the production build; ${Math.round(raw / 1024)} KB uncompressed; the service worker and lazily imported offline modules are not counted`,
    },
  };
}

export async function benchOffline(): Promise<Figures> {
  return { ...benchSearch(), ...benchSellerJs() };
}
