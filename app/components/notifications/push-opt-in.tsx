// Web Push for this device: off until the person turns it on here. Subscribing asks the browser for
// permission, then hands the subscription to the server; turning it off unsubscribes and tells the server.
import { useEffect, useState } from "react";

type State = "checking" | "unsupported" | "denied" | "off" | "on" | "working";

/** VAPID public key (base64url) as the bytes PushManager wants. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return null;
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000));
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}

const send = (method: "POST" | "DELETE", body: unknown) =>
  fetch("/api/v1/me/push-subscriptions", {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

export function PushOptIn({ enabled, devices, vapidPublicKey }: { enabled: boolean; devices: number; vapidPublicKey: string }) {
  const [state, setState] = useState<State>("checking");
  const [message, setMessage] = useState("");

  useEffect(() => {
    void (async () => {
      const reg = await registration();
      if (!reg) return setState("unsupported");
      if (Notification.permission === "denied") return setState("denied");
      setState((await reg.pushManager.getSubscription()) ? "on" : "off");
    })();
  }, []);

  async function turnOn() {
    setState("working");
    try {
      const reg = await registration();
      if (!reg) return setState("unsupported");
      // NOTE: a browser without a reachable push service may never settle subscribe(); say so rather than
      // spin. A push service that answers at all does so in a few seconds, even on a slow phone network.
      const sub = await Promise.race([
        reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapidPublicKey) }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("this browser's push service did not answer.")), 10_000)),
      ]);
      const res = await send("POST", sub.toJSON());
      if (!res.ok)
        throw new Error(
          ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? "The server refused it.",
        );
      setState("on");
      setMessage("Push notifications are on for this device.");
    } catch (error) {
      setState(typeof Notification !== "undefined" && Notification.permission === "denied" ? "denied" : "off");
      setMessage(`Could not turn push on: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function turnOff() {
    setState("working");
    const reg = await registration();
    const sub = await reg?.pushManager.getSubscription();
    await send("DELETE", { endpoint: sub?.endpoint ?? null }).catch(() => undefined);
    await sub?.unsubscribe().catch(() => undefined);
    setState("off");
    setMessage("Push notifications are off for this device.");
  }

  return (
    <div className="card" aria-labelledby="push-title">
      <h3 id="push-title">Push notifications on this device</h3>
      <p className="meta">
        Off unless you turn them on. {enabled ? `On for ${devices} ${devices === 1 ? "device" : "devices"}.` : null} When a device stops
        accepting them, you get the notification by email instead.
      </p>
      {state === "unsupported" ? (
        <p>This browser cannot receive push notifications here. Install Fieldkit as an app, or use a browser that supports them.</p>
      ) : null}
      {state === "denied" ? <p>Notifications are blocked for Fieldkit in this browser's settings; allow them there first.</p> : null}
      {state === "off" || state === "on" || state === "working" ? (
        <button
          type="button"
          className="secondary"
          disabled={state === "working"}
          onClick={() => void (state === "on" ? turnOff() : turnOn())}
          aria-pressed={state === "on"}
        >
          {state === "on" ? "Turn off push on this device" : "Turn on push on this device"}
        </button>
      ) : null}
      <p role="status" className="meta">
        {message}
      </p>
    </div>
  );
}
