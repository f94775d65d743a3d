// A date shown as "3 days ago". The server and the first browser render print the date itself (they
// cannot agree on "now"), then the browser switches to the relative form; the exact time is the tooltip.
import { useEffect, useState } from "react";
import { formatDate, formatDateTime, formatRelative } from "@/vocabulary/dates";

export function RelativeTime({ value }: { value: string | Date }) {
  const [now, setNow] = useState<Date | null>(null);
  useEffect(() => setNow(new Date()), []);
  const date = new Date(value);
  return (
    <time dateTime={date.toISOString()} title={formatDateTime(date)}>
      {now ? formatRelative(date, now) : formatDate(date)}
    </time>
  );
}
