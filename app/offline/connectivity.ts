// Whether the server can be reached, which is what "offline" means to a seller. `navigator.onLine` only says
// a network interface is up: on a captive portal, a cell with no data or with the server down it stays
// true, and no `online` event comes when the server is back (Chromium 150 under emulated airplane mode also
// keeps it true in pages its service worker serves). So a request of ours that fails on the network marks
// the server unreachable, any answer marks it reachable again, and while it is unreachable a small probe
// every few seconds notices its return. Browser-only, like the rest of app/offline (read it from effects
// and event handlers).

/** A tiny static file no service worker answers for (app/offline/routing.ts passes it through). */
const PROBE_URL = "/manifest.webmanifest";
/** Soon after the failure, then every 10 s: a few hundred bytes each while the server is gone. */
const PROBE_DELAYS_MS = [2_000, 4_000, 8_000, 10_000];

let unreachable = false;
let probes = 0;
let probeTimer: ReturnType<typeof setTimeout> | undefined;
let watching = false;

const events = new EventTarget();
const emit = (type: "change" | "back") => events.dispatchEvent(new Event(type));

/**
 * "change" when `isOnline()` may have changed; "back" when the network or the server is back (the browser's
 * `online` event, or an answer after a failure): one signal, so a return is acted on once. Unsubscribes.
 */
export function onConnectivity(type: "change" | "back", listener: () => void): () => void {
  watch();
  events.addEventListener(type, listener);
  return () => events.removeEventListener(type, listener);
}

function watch() {
  if (watching) return;
  watching = true;
  window.addEventListener("online", () => {
    // Whether the server answers is for the sends that follow to find out.
    unreachable = false;
    clearTimeout(probeTimer);
    emit("change");
    emit("back");
  });
  window.addEventListener("offline", () => emit("change"));
  document.addEventListener("visibilitychange", () => {
    if (unreachable && document.visibilityState === "visible") void probe();
  });
}

export function isOnline(): boolean {
  return navigator.onLine && !unreachable;
}

/** A request to our server failed on the network (no HTTP answer at all). */
export function serverUnreachable() {
  if (unreachable) return;
  unreachable = true;
  probes = 0;
  watch();
  emit("change");
  scheduleProbe();
}

/** Our server answered (any status: a 500 is still an answer, and not a reason to say "offline"). */
export function serverAnswered() {
  if (!unreachable) return;
  unreachable = false;
  clearTimeout(probeTimer);
  emit("change");
  emit("back");
}

function scheduleProbe() {
  clearTimeout(probeTimer);
  probeTimer = setTimeout(() => void probe(), PROBE_DELAYS_MS[Math.min(probes, PROBE_DELAYS_MS.length - 1)]);
  probes += 1;
}

async function probe() {
  if (!unreachable) return;
  // With the interface down there is nothing to learn, and a hidden page (a phone in a pocket) spends no
  // battery on it: the timer keeps going, and coming back into view probes at once.
  if (!navigator.onLine || document.visibilityState === "hidden") return scheduleProbe();
  try {
    await fetch(PROBE_URL, { method: "HEAD", cache: "no-store", credentials: "omit" });
    serverAnswered();
  } catch {
    scheduleProbe();
  }
}
