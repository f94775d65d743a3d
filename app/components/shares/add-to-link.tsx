// "Add to this link" on a share's page: a plain GET search of the page itself (?q=…), whose hits each post
// `intent=add`, so it works before JavaScript loads; the search field empties once an item is added.
import { Form } from "@remix-run/react";
import { AdditionHits, type AdditionsFound } from "~/components/share-select/add-to-share";
import { ItemButton } from "./share-items";

export function AddToLink({ found, busy }: { found: AdditionsFound | null; busy: boolean }) {
  return (
    <section aria-labelledby="add-h" className="card share-add">
      <h2 id="add-h">Add to this link</h2>
      <p className="meta">The buyer finds it at the same address, below what is there now.</p>
      <Form
        method="get"
        key={found?.q ?? ""}
        role="search"
        aria-label="Find an item to add to this link"
        className="row filters"
        preventScrollReset
        replace
      >
        <div>
          <label htmlFor="add-q">Title or topic</label>
          <input id="add-q" name="q" type="search" defaultValue={found?.q ?? ""} maxLength={200} />
        </div>
        <button type="submit" className="secondary" disabled={busy}>
          Find
        </button>
      </Form>
      <AdditionHits
        shown={found}
        hits={found?.hits ?? []}
        add={(h) => <ItemButton fields={{ intent: "add", item: h.id }} label={`Add ${h.title}`} text="Add" busy={busy} />}
      />
    </section>
  );
}
