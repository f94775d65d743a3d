// "Install Fieldkit": the browser's install prompt where there is one (Chromium), instructions on iOS Safari,
// nothing when already installed.
import { useEffect, useState } from "react";

type InstallPromptEvent = Event & { prompt(): Promise<void>; userChoice: Promise<{ outcome: "accepted" | "dismissed" }> };

let deferred: InstallPromptEvent | null = null;
const listeners = new Set<() => void>();

/** Called from OfflineRoot on every page: the browser fires the event once, early, wherever the seller is. */
let capturing = false;
export function captureInstallPrompt() {
  if (capturing) return;
  capturing = true;
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    deferred = event as InstallPromptEvent;
    listeners.forEach((l) => l());
  });
  window.addEventListener("appinstalled", () => {
    deferred = null;
    listeners.forEach((l) => l());
  });
}

const isStandalone = () =>
  window.matchMedia?.("(display-mode: standalone)").matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
const isIos = () => /iphone|ipad|ipod/i.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);

export function InstallHint() {
  const [state, setState] = useState<"hidden" | "prompt" | "ios">("hidden");
  useEffect(() => {
    const update = () => setState(isStandalone() ? "hidden" : deferred ? "prompt" : isIos() ? "ios" : "hidden");
    update();
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);

  if (state === "hidden") return null;
  return (
    <section className="card install-hint" aria-labelledby="install-title">
      <h2 id="install-title">Install Fieldkit</h2>
      {state === "prompt" ? (
        <>
          <p>Open Fieldkit from your home screen like an app, full screen, even without signal.</p>
          <button
            type="button"
            onClick={async () => {
              await deferred?.prompt();
              deferred = null;
              setState("hidden");
            }}
          >
            Install
          </button>
        </>
      ) : (
        <p>
          In Safari, tap <strong>Share</strong>, then <strong>Add to Home Screen</strong>. Save items for offline from the installed app: it
          keeps its own storage, separate from Safari.
        </p>
      )}
    </section>
  );
}
