// Adding items to a share being made, found by title, without leaving its form: a seller who began from one
// item's page had to start again from Search's Select mode for a second, and lost what they had typed.
// The search is its own GET form (`ADD_FORM`, outside the share form: forms do not nest), whose fields sit
// in the share form's list through their `form` attribute. Without JavaScript it reloads the page with the
// hits, and "Add" is a link to the page with one more item; with it, the hits come from a fetcher and
// "Add" is a button that puts the item in the list in place, so the recipient and the note stay as typed.
// Either way an added item joins the page's address as `add=<id>` (in place, by replacing it), so a reload
// or a sign-in after the session ended brings back every item, while the kept draft stays keyed by the
// `item`s the page began with.
import { Link, useFetcher, useLocation, useNavigate } from "@remix-run/react";
import { useEffect, useRef, useState, type MouseEvent, type ReactNode, type RefObject } from "react";
import { TYPE_LABEL } from "@/vocabulary/library";
import { MAX_SHARE_ITEMS } from "@/vocabulary/shares";

export type Addition = { id: string; title: string; type: string };
export type AdditionsFound = { q: string; hits: Addition[]; error: string | null };

const ADD_FORM = "share-add";

/** The page's address with one more item added (`add=<id>`), without the search. */
function searchWith(search: string, id: string) {
  const params = new URLSearchParams(search);
  params.delete("q");
  params.append("add", id);
  return `?${params.toString()}`;
}

export function useShareAdditions() {
  const fetcher = useFetcher<{ add: AdditionsFound | null }>();
  const [added, setAdded] = useState<Addition[]>([]);
  const location = useLocation();
  const navigate = useNavigate();
  const add = (item: Addition) => {
    setAdded((list) => (list.some((i) => i.id === item.id) ? list : [...list, item]));
    navigate(searchWith(location.search, item.id), { replace: true, preventScrollReset: true });
  };
  return { fetcher, added, add };
}
type ShareAdditions = ReturnType<typeof useShareAdditions>;

/** The search's own form; render it outside the share form. */
export function AddToShareForm({ additions }: { additions: ShareAdditions }) {
  return <additions.fetcher.Form id={ADD_FORM} method="get" action="/shares/new" />;
}

/** The field, its hits and their "Add", inside the share form's list of items. */
export function AddToShareFields({
  additions,
  chosen,
  found,
}: {
  additions: ShareAdditions;
  chosen: string[];
  /** The hits of a search made without JavaScript (the page's own `?q=`). */
  found: AdditionsFound | null;
}) {
  const { fetcher, add } = additions;
  const [said, setSaid] = useState("");
  const listRef = useRef<HTMLUListElement>(null);
  // Before the scripts run "Add" is a link to the page with one more item; after, a button that adds in place.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const shown = fetcher.data?.add ?? found;
  const hits = (shown?.hits ?? []).filter((h) => !chosen.includes(h.id));
  const full = chosen.length >= MAX_SHARE_ITEMS;
  const { search } = useLocation();
  const pick = (event: MouseEvent<HTMLButtonElement>, h: Addition) => {
    // The tapped "Add" leaves with its hit: the focus goes on to the next one, or back to the field.
    const at = [...(listRef.current?.querySelectorAll("button") ?? [])].indexOf(event.currentTarget);
    requestAnimationFrame(() => (listRef.current?.querySelectorAll("button")[at] ?? document.getElementById("sh-add-q"))?.focus());
    add(h);
    setSaid(`Added “${h.title}”: ${chosen.length + 1} of at most ${MAX_SHARE_ITEMS} items.`);
  };
  return (
    // The search landmark is here, around its fields, not on the empty form element they belong to.
    <div className="share-add" role="search" aria-label="Find an item to add">
      {chosen.map((id) => (
        <input key={id} type="hidden" form={ADD_FORM} name="item" value={id} />
      ))}
      {full ? (
        <p className="meta">A link holds at most {MAX_SHARE_ITEMS} items.</p>
      ) : (
        <>
          <label htmlFor="sh-add-q">Add an item</label>
          <div className="row filters">
            <input
              id="sh-add-q"
              form={ADD_FORM}
              name="q"
              type="search"
              defaultValue={found?.q ?? ""}
              maxLength={200}
              placeholder="Title or topic"
            />
            <button type="submit" form={ADD_FORM} className="secondary" disabled={fetcher.state !== "idle"}>
              {fetcher.state === "idle" ? "Find" : "Finding…"}
            </button>
          </div>
          <AdditionHits
            shown={shown}
            hits={hits}
            listRef={listRef}
            add={(h) =>
              ready ? (
                <button type="button" className="secondary" aria-label={`Add ${h.title}`} onClick={(event) => pick(event, h)}>
                  Add
                </button>
              ) : (
                <Link to={searchWith(search, h.id)} className="button secondary" aria-label={`Add ${h.title}`}>
                  Add
                </Link>
              )
            }
          />
        </>
      )}
      <p className="visually-hidden" role="status">
        {said}
      </p>
    </div>
  );
}

/**
 * A search's hits for adding to a share (the share form's and a live link's): its error, "nothing more
 * matches", or the list, each hit with its title, type and the caller's "Add".
 */
export function AdditionHits({
  shown,
  hits,
  listRef,
  add,
}: {
  shown: AdditionsFound | null;
  hits: Addition[];
  listRef?: RefObject<HTMLUListElement>;
  add: (hit: Addition) => ReactNode;
}) {
  if (shown?.error)
    return (
      <p className="form-error" role="alert">
        {shown.error}
      </p>
    );
  if (!shown || shown.q.trim() === "") return null;
  if (hits.length === 0) return <p className="meta">Nothing more that may go to a buyer matches “{shown.q}”.</p>;
  return (
    <ul ref={listRef} className="share-add-hits" aria-label={`Items to add for “${shown.q}”`}>
      {hits.map((h) => (
        <li key={h.id}>
          <span>
            {h.title} <span className="meta">· {TYPE_LABEL[h.type] ?? h.type}</span>
          </span>
          {add(h)}
        </li>
      ))}
    </ul>
  );
}
