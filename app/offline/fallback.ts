// Telling "the network or server is gone" apart from a real answer, for pages that fall back to the device
// when their data cannot be fetched. Browser-safe: no server imports.
import { isRouteErrorResponse } from "@remix-run/react";

/**
 * True when a route's server data failed because the device is offline or the server cannot be reached:
 * the browser says it is offline, the fetch itself failed, or the service worker's offline answer (plain
 * JSON, not Remix's stream) could not be decoded. A real answer from the server (404, 403…) is never one.
 */
export function isOfflineFailure(error: unknown): boolean {
  // On the server an error is never about the device's connection.
  if (typeof window === "undefined") return false;
  if (isRouteErrorResponse(error) || error instanceof Response) return false;
  if (navigator.onLine === false) return true;
  return error instanceof Error && /turbo-stream|Failed to fetch|NetworkError|Load failed/i.test(error.message);
}
