// Web Push for this device: off until the person turns it on here. Subscribing asks the browser for
// permission, then hands the subscription to the server; turning it off unsubscribes and tells the server.
// "On" means the server sends to this browser: the browser's own subscription is not asked alone.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useState } from "react";
import { keyBytes, sendSubscription, serverHolds } from "~/offline/push-subscription";

type State = "checking" | "unsupported" | "denied" | "off" | "on" | "working" | "unknown";

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return null;
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000));
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}

/** This device as the server sees it, and what to tell the person when that differs from the browser's view. */
async function currentState(reg: ServiceWorkerRegistration): Promise<{ state: State; message: string }> {
  if (Notification.permission === "denied") return { state: "denied", message: "" };
  const sub = await reg.pushManager.getSubscription();
  if (!sub || Notification.permission !== "granted") return { state: "off", message: "" };
  // NOTE: asked each time Me opens, never assumed: the server forgets a subscription the push service called
  // gone (404/410) or that moved to another account, and a seller shown "on" then waits for pushes that never come.
  const held = await serverHolds(sub.endpoint);
  if (held) return { state: "on", message: "" };
  if (held === false)
    return { state: "off", message: "Push notifications stopped reaching this device. Turn them on again to get them here." };
  // No toggle: turning on replaces the subscription, and offline that could end one that works.
  return {
    state: "unknown",
    message: "Could not check with Fieldkit whether push notifications reach this device. Try again when online.",
  };
}

export function PushOptIn({ enabled, devices, vapidPublicKey }: { enabled: boolean; devices: number; vapidPublicKey: string }) {
  const [state, setState] = useState<State>("checking");
  const [message, setMessage] = useState("");
  // "On for N devices" is the server's count: asked again once this device joined or left it.
  const { revalidate } = useRevalidator();

  useEffect(() => {
    void (async () => {
      const reg = await registration();
      if (!reg) return setState("unsupported");
      const now = await currentState(reg);
      setState(now.state);
      setMessage(now.message);
    })();
  }, []);

  async function turnOn() {
    setState("working");
    try {
      const reg = await registration();
      if (!reg) return setState("unsupported");
      // Not the subscription still here, if any: the server may have forgotten it because the push service called
      // it gone, and sending it again would show "on" for an address that takes nothing. A fresh one instead.
      const stale = await reg.pushManager.getSubscription();
      await stale?.unsubscribe().catch(() => false);
      // NOTE: a browser without a reachable push service may never settle subscribe(); say so rather than
      // spin. A push service that answers at all does so in a few seconds, even on a slow phone network.
      const sub = await Promise.race([
        reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapidPublicKey) }),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("this browser's push service did not answer.")), 10_000)),
      ]);
      const res = await sendSubscription("POST", sub.toJSON());
      if (!res.ok)
        throw new Error(
          ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? "The server refused it.",
        );
      if (stale && stale.endpoint !== sub.endpoint) await sendSubscription("DELETE", { endpoint: stale.endpoint }).catch(() => undefined);
      setState("on");
      setMessage("Push notifications are on for this device.");
      revalidate();
    } catch (error) {
      setState(typeof Notification !== "undefined" && Notification.permission === "denied" ? "denied" : "off");
      setMessage(`Could not turn push on: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function turnOff() {
    setState("working");
    const reg = await registration();
    const sub = await reg?.pushManager.getSubscription();
    // NOTE: only with an endpoint: DELETE without one forgets every browser of the person, not this one.
    if (sub) await sendSubscription("DELETE", { endpoint: sub.endpoint }).catch(() => undefined);
    await sub?.unsubscribe().catch(() => undefined);
    setState("off");
    setMessage("Push notifications are off for this device.");
    revalidate();
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
