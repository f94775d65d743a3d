// What a usage batch may hold: the envelope, each row validated on its own (a bad row never sinks the
// others), and the time rules (decision 011).
import { z } from "zod";
import { EVENT_TYPES } from "@/vocabulary/feedback";
import { uuidSchema } from "~/modules/validation.server";
import { zodMessage } from "~/modules/api.server";
import { AppError } from "~/modules/errors.server";
import { DAY_MS } from "~/modules/feedback/score.server";

export const MAX_BATCH = 500;
/** Device clocks drift; anything later than this is set to the server's time. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;
/**
 * Events older than this are rejected, not clamped: moving them to the window's edge would credit the
 * wrong day. It also bounds how long `event_ids` must remember an id (see db/schema/feedback.ts).
 */
export const MAX_AGE_MS = 30 * DAY_MS;

const uuid = uuidSchema();
const at = z.iso.datetime({ offset: true, message: "must be an ISO 8601 time, e.g. 2025-01-31T09:30:00Z" });
const base = { id: uuid, itemId: uuid, at };
const smallProps = <T extends z.ZodRawShape>(shape: T) =>
  z.object(shape).refine((p) => JSON.stringify(p).length <= 2_000, "props are limited to 2 kB");

export const EventInput = z.discriminatedUnion(
  "type",
  [
    z.object({
      ...base,
      type: z.literal("view"),
      props: smallProps({ versionId: uuid.optional(), source: z.string().max(40).optional() }).optional(),
    }),
    z.object({
      ...base,
      type: z.literal("dwell"),
      // Four hours caps a tab left open overnight.
      props: smallProps({
        ms: z
          .number()
          .int()
          .min(0)
          .max(4 * 3600_000),
        versionId: uuid.optional(),
      }),
    }),
    z.object({ ...base, type: z.literal("share"), props: smallProps({ channel: z.string().max(40).optional() }).optional() }),
    z.object({ ...base, type: z.literal("download"), props: smallProps({ versionId: uuid.optional() }).optional() }),
    z.object({
      ...base,
      type: z.literal("search_click"),
      props: smallProps({ query: z.string().max(200).optional(), position: z.number().int().min(0).max(1000).optional() }).optional(),
    }),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? `type must be one of ${EVENT_TYPES.join(", ")}` : undefined) },
);
export type EventInput = z.infer<typeof EventInput>;

export type Rejection = { index: number; code: "invalid" | "unknown_item" | "too_old"; message: string };

/** A valid row as the ingest statement reads it, with its index in the batch. */
export type EventRow = { index: number; id: string; type: string; itemId: string; at: string; props: Record<string, unknown> };

/** Checks the batch envelope; rows are validated one by one so a bad row never sinks the others. */
export function parseBatch(body: unknown): unknown[] {
  const rows = Array.isArray(body)
    ? body
    : body && typeof body === "object" && Array.isArray((body as { events?: unknown }).events)
      ? (body as { events: unknown[] }).events
      : null;
  if (!rows) throw new AppError("bad_request", "Send a JSON array of events: [{id, type, itemId, at, props?}].");
  if (rows.length > MAX_BATCH) {
    throw new AppError("payload_too_large", `At most ${MAX_BATCH} events per request; this one has ${rows.length}. Split the batch.`);
  }
  return rows;
}

/** Validates each row, rejects the too old and clamps the future ones to `now`. */
export function screenRows(rows: unknown[], now: Date): { valid: EventRow[]; rejected: Rejection[]; clamped: number } {
  const rejected: Rejection[] = [];
  const valid: EventRow[] = [];
  let clamped = 0;
  const nowMs = now.getTime();
  rows.forEach((raw, index) => {
    const parsed = EventInput.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ index, code: "invalid", message: zodMessage(parsed.error) });
      return;
    }
    const e = parsed.data;
    let t = Date.parse(e.at);
    if (t < nowMs - MAX_AGE_MS) {
      rejected.push({ index, code: "too_old", message: "Events older than 30 days are not accepted." });
      return;
    }
    if (t > nowMs + FUTURE_TOLERANCE_MS) {
      t = nowMs;
      clamped++;
    }
    valid.push({
      index,
      id: e.id.toLowerCase(),
      type: e.type,
      itemId: e.itemId.toLowerCase(),
      at: new Date(t).toISOString(),
      props: e.props ?? {},
    });
  });
  return { valid, rejected, clamped };
}
