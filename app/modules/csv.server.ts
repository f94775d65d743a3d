type Columns = readonly { key: string; label: string }[];

/** RFC 4180 CSV. Cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function toCsv(columns: Columns, rows: readonly Record<string, unknown>[]): string {
  return [csvLine(columns.map((c) => c.label)), ...rows.map((row) => csvLine(columns.map((c) => row[c.key])))].join("");
}

/**
 * The same CSV, written a batch of rows at a time as the batches come: an export of a log far bigger
 * than memory should hold (the audit log's millions of sign-ins) is neither cut short nor held whole.
 */
export function csvStream(columns: Columns, batches: AsyncIterable<readonly Record<string, unknown>[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = batches[Symbol.asyncIterator]();
  let header = true;
  return new ReadableStream({
    async pull(controller) {
      if (header) {
        header = false;
        controller.enqueue(encoder.encode(csvLine(columns.map((c) => c.label))));
        return;
      }
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value.map((row) => csvLine(columns.map((c) => row[c.key]))).join("")));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function csvLine(values: readonly unknown[]): string {
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return "";
    let s =
      value instanceof Date
        ? value.toISOString()
        : Array.isArray(value)
          ? value.join("; ")
          : typeof value === "object"
            ? JSON.stringify(value)
            : String(value);
    // Any text, a list's too (a team named "=HYPERLINK(…)" in the gaps export's teams); not a number: -5 is -5.
    if (typeof value !== "number" && typeof value !== "bigint" && !(value instanceof Date) && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return values.map(cell).join(",") + "\r\n";
}

export function csvResponse(csv: string | ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "no-store",
    },
  });
}

const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

/**
 * A download for people, opened in a spreadsheet: led by a UTF-8 byte order mark, without which Excel on
 * Windows reads the file in the local code page and "José" or "Präsentation" come out garbled. Not for
 * the API's CSV: a script's parser would read the mark into the first column's name.
 */
export function forSpreadsheets(res: Response): Response {
  if (!res.body || !/^text\/csv\b/i.test(res.headers.get("content-type") ?? "")) return res;
  const reader = res.body.getReader();
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(BOM);
        return;
      }
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: res.status, headers: res.headers });
}
