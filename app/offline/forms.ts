// Which server forms the outbox can stand in for when the device is offline. The forms themselves stay
// plain Remix forms (they work without JavaScript); offline, with JavaScript, their submission is queued
// instead of failing. Only actions that are safe to replay later are listed.
import { UUID_PATTERN, UUID_SOURCE } from "@/vocabulary/ids";

export type QueuedForm =
  | { kind: "rating"; itemId: string; useful: boolean; reasons: string[]; comment?: string; versionId?: string }
  | { kind: "request"; text: string; query?: string };

const RATING_ACTION = new RegExp(`^/items/(${UUID_SOURCE})/feedback$`, "i");
const REQUEST_ACTIONS = /^\/requests(\/new)?$/;

type FormLike = { get(name: string): unknown; getAll(name: string): unknown[] };

/** The outbox entry a form submission stands for, or null when it must go to the server directly. */
export function queuedForm(actionPath: string, method: string, data: FormLike): QueuedForm | null {
  if (method.toLowerCase() !== "post") return null;
  const intent = data.get("intent");
  const rating = RATING_ACTION.exec(actionPath);
  if (rating && (intent === null || intent === "rate")) {
    const answer = data.get("useful");
    if (answer !== "yes" && answer !== "no") return null; // let the server explain what is missing
    const comment = String(data.get("comment") ?? "").trim();
    const version = String(data.get("version") ?? "");
    return {
      kind: "rating",
      itemId: rating[1].toLowerCase(),
      useful: answer === "yes",
      reasons: data.getAll("reasons").map(String),
      ...(comment ? { comment } : {}),
      // The version the page showed: by the time the phone is online, marketing may have published another.
      ...(UUID_PATTERN.test(version) ? { versionId: version.toLowerCase() } : {}),
    };
  }
  if (REQUEST_ACTIONS.test(actionPath) && (intent === null || intent === "create" || intent === "request")) {
    const text = String(data.get("text") ?? "").trim();
    if (text.length < 3) return null;
    const query = String(data.get("query") ?? data.get("q") ?? "").trim();
    return { kind: "request", text, ...(query ? { query } : {}) };
  }
  return null;
}
