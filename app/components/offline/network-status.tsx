// Whether the device is online, and the top bar's offline badge. The badge sits in the sticky top bar,
// so it is seen on every screen without covering the tab bar or the page.
import { useEffect, useState } from "react";
import { isOnline, onConnectivity } from "~/offline/connectivity";

/** Whether the server can be reached (app/offline/connectivity.ts); true while rendering on the server. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(true);
  useEffect(() => {
    setOnline(isOnline());
    return onConnectivity("change", () => setOnline(isOnline()));
  }, []);
  return online;
}

export function NetworkStatus() {
  const online = useOnline();
  return (
    <span className="net-status" role="status" aria-live="polite">
      {online ? null : (
        <span className="net-offline" title="Saved items and offline search still work.">
          You're offline.
        </span>
      )}
    </span>
  );
}
