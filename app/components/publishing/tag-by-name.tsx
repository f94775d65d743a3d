// "Another tag": a tag of a large group found by its name. Without JavaScript the name goes as typed and
// the server finds the tag, in any case; with it, the names that match come up as suggestions.
import { useEffect, useState } from "react";

type Suggestion = { label: string; group: string };

export function TagByName({ typed }: { typed: string }) {
  const [term, setTerm] = useState(typed);
  const [names, setNames] = useState<Suggestion[]>([]);
  useEffect(() => {
    const q = term.trim();
    if (q.length < 2) return setNames([]);
    const request = new AbortController();
    // Typing "acme" is four keystrokes, not four requests.
    const timer = setTimeout(() => {
      fetch(`/publish/tags?${new URLSearchParams({ q })}`, { signal: request.signal })
        .then((res) => (res.ok ? (res.json() as Promise<{ tags: Suggestion[] }>) : { tags: [] }))
        .then((found) => setNames(found.tags))
        // Offline or aborted: the name is still sent as typed.
        .catch(() => undefined);
    }, 200);
    return () => {
      clearTimeout(timer);
      request.abort();
    };
  }, [term]);
  return (
    <>
      <label htmlFor="tag-by-name">Another tag</label>
      <input
        id="tag-by-name"
        name="tags"
        list="tag-names"
        autoComplete="off"
        maxLength={120}
        defaultValue={typed}
        onChange={(e) => setTerm(e.currentTarget.value)}
        aria-describedby="tag-by-name-hint"
      />
      <datalist id="tag-names">
        {names.map((n) => (
          <option key={`${n.group}:${n.label}`} value={n.label}>
            {n.group}
          </option>
        ))}
      </datalist>
      <p id="tag-by-name-hint" className="meta">
        A tag&apos;s name as your admins wrote it; names that match are suggested as you type.
      </p>
    </>
  );
}
