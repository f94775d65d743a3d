// The time, renewed when the next of some dates passes: a page left open across an item's expiry says so
// without a reload. Browser-only in effect; the first render's value is the render's own clock.
import { useEffect, useState } from "react";

export function useNow(times: readonly (string | null | undefined)[]): number {
  const [now, setNow] = useState(() => Date.now());
  const next = Math.min(...times.map((t) => (t ? Date.parse(t) : NaN)).filter((t) => t > now));
  useEffect(() => {
    if (!Number.isFinite(next)) return;
    // NOTE: setTimeout fires at once past 2^31 - 1 ms; a date further off is looked at again a day later.
    const timer = setTimeout(() => setNow(Date.now()), Math.min(next - Date.now() + 50, 86_400_000));
    return () => clearTimeout(timer);
  }, [next]);
  return now;
}
