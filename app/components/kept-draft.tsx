// What someone types into a form worth the typing (a battle card, an item's edit, a note to a buyer, a
// content request) is kept on this device until a save has gone through: a session that ends mid-edit (sign in, and the form is back with an offer to put the text back), a
// server that fails mid-write, a tab closed by mistake. The copy is dropped once a save has taken the
// person to another page, or when they discard it. Keyed by the signed-in person, so someone else
// signing in on the same browser never sees it.
import { useRouteLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState, type RefObject } from "react";

type Fields = [string, string][];
type Draft = { fields: Fields; savedAt: number };

const PREFIX = "fk.draft:";
const SAVE_AFTER_MS = 400;
/**
 * Not compared: a form reloaded after an edit conflict carries a new revision and the same text, and a
 * share form a new id (its double-submit guard) on every load.
 */
const BOOKKEEPING = new Set(["revision", "id"]);

const fieldsOf = (form: HTMLFormElement): Fields =>
  [...new FormData(form).entries()].flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : []));

const sameText = (a: Fields, b: Fields) => {
  const text = (f: Fields) => JSON.stringify(f.filter(([k]) => !BOOKKEEPING.has(k)));
  return text(a) === text(b);
};

function readDraft(key: string): Draft | null {
  try {
    const draft = JSON.parse(localStorage.getItem(key) ?? "null") as Draft | null;
    return draft && Array.isArray(draft.fields) && typeof draft.savedAt === "number" ? draft : null;
  } catch {
    return null;
  }
}

function writeDraft(key: string, fields: Fields, savedAt = Date.now()) {
  try {
    localStorage.setItem(key, JSON.stringify({ fields, savedAt } satisfies Draft));
  } catch {
    // Storage full or blocked (private mode): the form still works, only without this safety net.
  }
}

/** Sets a field the way typing would, so React's controlled fields (the editor's body, its kind) follow. */
function setField(element: Element, value: string | string[]) {
  const values = Array.isArray(value) ? value : [value];
  if (element instanceof HTMLInputElement && (element.type === "checkbox" || element.type === "radio")) {
    if (element.checked !== values.includes(element.value)) element.click();
    return;
  }
  if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement)) return;
  if (element.type === "file" || element.type === "hidden") {
    if (element.type === "hidden") element.value = values[0] ?? "";
    return;
  }
  const prototype = Object.getPrototypeOf(element) as object;
  Object.getOwnPropertyDescriptor(prototype, "value")?.set?.call(element, values[0] ?? "");
  element.dispatchEvent(new Event("input", { bubbles: true }));
  element.dispatchEvent(new Event("change", { bubbles: true }));
}

async function restore(form: HTMLFormElement, fields: Fields) {
  const byName = new Map<string, string[]>();
  for (const [k, v] of fields) byName.set(k, [...(byName.get(k) ?? []), v]);
  // Selects first: a kind can change which fields the form shows (a video link has no body).
  for (const select of form.querySelectorAll("select[name]")) {
    const value = byName.get(select.getAttribute("name")!);
    if (value) setField(select, value);
  }
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const checks = [...form.querySelectorAll("input[name]")].filter(
    (e): e is HTMLInputElement => e instanceof HTMLInputElement && (e.type === "checkbox" || e.type === "radio"),
  );
  for (const element of form.querySelectorAll("input[name], textarea[name]")) {
    const name = element.getAttribute("name")!;
    const isCheck = checks.includes(element as HTMLInputElement);
    const values = byName.get(name) ?? [];
    // A text field named as a group of checkboxes ("Another tag" beside the tag chips) takes what no box claims.
    const unclaimed = isCheck ? values : values.filter((v) => !checks.some((c) => c.name === name && c.value === v));
    if (byName.has(name) || isCheck) setField(element, unclaimed);
  }
}

export type KeptDraft =
  { state: "offered"; savedAt: number; restore: () => void; discard: () => void } | { state: "discarded"; undo: () => void } | null;

/**
 * Keeps `form`'s fields on this device under `name` as they change. Returns an offer when an earlier
 * copy differs from what the form shows now. `version` re-reads the form when it is rendered anew.
 */
export function useKeptDraft(form: RefObject<HTMLFormElement>, name: string, version?: string | number): KeptDraft {
  const shell = useRouteLoaderData("routes/_app") as { user?: { id?: string } } | undefined;
  const key = `${PREFIX}${shell?.user?.id ?? "signed-out"}:${name}`;
  const [offer, setOffer] = useState<Draft | null>(null);
  const [discarded, setDiscarded] = useState<Draft | null>(null);
  const shown = useRef<Fields>([]);
  // While the earlier copy is on offer, new typing must not overwrite it before the person chooses.
  const offered = useRef(false);

  useEffect(() => {
    const element = form.current;
    if (!element) return;
    shown.current = fieldsOf(element);
    const kept = readDraft(key);
    const differs = kept !== null && !sameText(kept.fields, shown.current);
    offered.current = differs;
    setOffer(differs ? kept : null);
    setDiscarded(null);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let submitted = false;
    const save = () => {
      clearTimeout(timer);
      timer = undefined;
      const fields = fieldsOf(element);
      if (offered.current) return;
      // Back to what the page showed: nothing left worth keeping.
      if (sameText(fields, shown.current)) localStorage.removeItem(key);
      else writeDraft(key, fields);
    };
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(save, SAVE_AFTER_MS);
    };
    const onSubmit = () => {
      submitted = true;
      save();
    };
    const flush = () => timer !== undefined && save();
    element.addEventListener("input", later);
    element.addEventListener("change", later);
    element.addEventListener("submit", onSubmit);
    window.addEventListener("pagehide", flush);
    const path = window.location.pathname;
    return () => {
      flush();
      element.removeEventListener("input", later);
      element.removeEventListener("change", later);
      element.removeEventListener("submit", onSubmit);
      window.removeEventListener("pagehide", flush);
      // Saved: the save led to another page. An ended session leads to sign-in, a failed write keeps
      // the address (the error page): the copy stays for both.
      const now = window.location.pathname;
      if (submitted && now !== path && !now.startsWith("/login")) localStorage.removeItem(key);
    };
  }, [form, key, version]);

  if (discarded) {
    return {
      state: "discarded",
      undo: () => {
        writeDraft(key, discarded.fields, discarded.savedAt);
        offered.current = true;
        setDiscarded(null);
        setOffer(discarded);
      },
    };
  }
  if (!offer) return null;
  return {
    state: "offered",
    savedAt: offer.savedAt,
    restore: () => {
      offered.current = false;
      setOffer(null);
      if (form.current) void restore(form.current, offer.fields);
    },
    discard: () => {
      offered.current = false;
      setOffer(null);
      setDiscarded(offer);
      localStorage.removeItem(key);
    },
  };
}

/** The offer over the form: when the copy was made, and the choices; after Discard, its Undo. */
export function KeptDraftNotice({ draft }: { draft: KeptDraft }) {
  if (!draft) return null;
  if (draft.state === "discarded") {
    return (
      <div className="notice undo-notice" role="status">
        <span>The kept changes were discarded.</span>
        <button type="button" className="secondary" onClick={draft.undo}>
          Undo
        </button>
      </div>
    );
  }
  const at = new Date(draft.savedAt);
  const when = `${at.toLocaleDateString("en-GB", { day: "numeric", month: "short" })} at ${at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}`;
  return (
    <div className="notice undo-notice" role="status">
      <span>Changes you made on {when} were not saved. This device kept them.</span>
      <span className="row">
        <button type="button" onClick={draft.restore}>
          Put them back
        </button>
        <button type="button" className="secondary" onClick={draft.discard}>
          Discard
        </button>
      </span>
    </div>
  );
}
