// The library table's bulk bar: one change to the ticked rows, or to every item of the filtered view. A
// plain POST form (the rows' checkboxes join it through their `form` attribute), so it works without
// JavaScript, where every field shows; with it, only the chosen action's field shows and the bar counts
// the ticked rows. The result says what changed, with an Undo for the changes that have one.
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { BULK_ACTION_LABEL, BULK_ACTIONS, BULK_MAX, type BulkAction } from "@/vocabulary/library";
import { TagNameField } from "~/components/tag-name-field";

export const BULK_FORM = "bulk-form";

type Result = { done?: string | null; undo?: unknown[] | null; formError?: string } | undefined;

const FIELD: Partial<Record<BulkAction, string>> = {
  expiry: "expiry",
  owner: "owner",
  tag_add: "tag",
  tag_remove: "tag",
  archive: "archive",
};

type BulkOptions = { tags: { id: string; facet: string; label: string }[]; tagCount: number; owners: { id: string; name: string }[] };

export function BulkBar({
  total,
  shown,
  action,
  result,
  options,
}: {
  /** Items in the whole view (all pages). */
  total: number;
  /** Rows on this page. */
  shown: number;
  /** The address the form posts to: the library with the view's filters, which "every item" stands for. */
  action: string;
  result: Result;
  options: BulkOptions;
}) {
  const state = useNavigation().state;
  const busy = state === "submitting";
  // The action's answer arrives before the table's new rows: say what changed once the rows show it.
  const settled = state === "idle";
  const [hydrated, setHydrated] = useState(false);
  const [intent, setIntent] = useState<BulkAction | "">("");
  const [selected, setSelected] = useState(0);
  const [all, setAll] = useState(false);
  useEffect(() => {
    setHydrated(true);
    const count = () => setSelected(document.querySelectorAll(`input[name="id"][form="${BULK_FORM}"]:checked`).length);
    count();
    document.addEventListener("change", count);
    return () => document.removeEventListener("change", count);
  }, []);
  // After a change the rows are new: nothing stays ticked.
  useEffect(() => {
    if (!result?.done) return;
    for (const box of document.querySelectorAll<HTMLInputElement>(`input[name="id"][form="${BULK_FORM}"], input.select-page`))
      box.checked = false;
    setSelected(0);
    setAll(false);
  }, [result]);
  const show = (field: string) => !hydrated || FIELD[intent as BulkAction] === field;
  const many = total > shown;
  const count = all ? total : selected;
  // With JavaScript the bar stays one line until something is ticked; without it every field shows.
  const open = !hydrated || count > 0 || Boolean(result?.formError);
  return (
    <section className={open ? "bulk-bar card" : "bulk-bar card closed"} aria-labelledby="bulk-h">
      <Form method="post" action={action} id={BULK_FORM} className="bulk-fields">
        <p className="bulk-status" role={hydrated ? "status" : undefined} aria-live={hydrated ? "polite" : undefined}>
          <strong id="bulk-h">Change several items</strong>{" "}
          <span className="meta">
            {all
              ? `· every item in this view: ${total.toLocaleString("en-GB")}`
              : selected
                ? `· ${selected.toLocaleString("en-GB")} selected`
                : "· tick them in the table to re-verify, re-date, hand over, tag or archive them together"}
          </span>
        </p>
        {open ? (
          <>
            <div>
              <label htmlFor="bulk-intent">Action</label>
              <select id="bulk-intent" name="intent" value={intent} onChange={(e) => setIntent(e.target.value as BulkAction | "")}>
                <option value="">Choose an action…</option>
                {BULK_ACTIONS.map((a) => (
                  <option key={a} value={a}>
                    {BULK_ACTION_LABEL[a]}
                  </option>
                ))}
              </select>
            </div>
            {show("expiry") ? (
              <div>
                <label htmlFor="bulk-expires">New expiry date</label>
                <input id="bulk-expires" name="expiresAt" type="date" aria-describedby="bulk-expires-hint" />
                <small id="bulk-expires-hint" className="meta">
                  Empty removes the expiry date.
                </small>
              </div>
            ) : null}
            {show("owner") ? (
              <div>
                <label htmlFor="bulk-owner">New owner</label>
                <select id="bulk-owner" name="ownerId" defaultValue="">
                  <option value="">Choose a person…</option>
                  {options.owners.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </div>
            ) : null}
            {show("tag") ? (
              <div>
                <TagChoice
                  options={options}
                  label={!hydrated ? "Tag to add or remove" : intent === "tag_remove" ? "Tag to remove" : "Tag to add"}
                />
              </div>
            ) : null}
            {show("archive") ? (
              <label className="check">
                <input type="checkbox" name="confirm" value="yes" /> Yes, archive them (they leave sellers&apos; phones)
              </label>
            ) : null}
          </>
        ) : null}
        {many ? (
          <label className="check">
            <input type="checkbox" name="all" value="1" checked={all} onChange={(e) => setAll(e.target.checked)} /> Every item in this view
            ({total.toLocaleString("en-GB")}
            {total > BULK_MAX ? `; at most ${BULK_MAX.toLocaleString("en-GB")} at once` : ""}), not only the ticked ones
          </label>
        ) : null}
        {open ? (
          <button type="submit" disabled={busy || (hydrated && (!intent || count === 0))}>
            {busy ? "Applying…" : count ? `Apply to ${count.toLocaleString("en-GB")}` : "Apply to the ticked items"}
          </button>
        ) : null}
      </Form>
      {result?.formError ? (
        <p className="form-error" role="alert">
          {result.formError}
        </p>
      ) : null}
      {result?.done && settled ? (
        <div className="notice" role="status">
          {result.done}
          {result.undo ? (
            <Form method="post" action={action} className="inline-form">
              <input type="hidden" name="intent" value="undo" />
              <input type="hidden" name="undo" value={JSON.stringify(result.undo)} />
              <button type="submit" className="secondary" disabled={busy}>
                Undo
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** The tag to add or remove: a select, or its name with suggestions once there are too many tags for one. */
function TagChoice({ options, label }: { options: BulkOptions; label: string }) {
  if (options.tagCount > options.tags.length) return <TagNameField id="bulk-tag" name="tagId" label={label} />;
  return (
    <>
      <label htmlFor="bulk-tag">{label}</label>
      <select id="bulk-tag" name="tagId" defaultValue="">
        <option value="">Choose a tag…</option>
        {options.tags.map((t) => (
          <option key={t.id} value={t.id}>
            {t.label} ({t.facet})
          </option>
        ))}
      </select>
    </>
  );
}
