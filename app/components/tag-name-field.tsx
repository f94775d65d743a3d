// A tag chosen by its name, where there are too many tags for chips or a select (a group of one tag per
// customer account): the metadata form's "Another tag", the library's tag filter and its bulk bar. Without
// JavaScript the name goes as typed and the server finds the tag, in any case; with it, the names that
// hold what is typed come up as suggestions.
import { useEffect, useState } from "react";

type Suggestion = { label: string; group: string };

export function TagNameField({
  id,
  name,
  label,
  defaultValue = "",
  hint,
}: {
  id: string;
  name: string;
  label: string;
  defaultValue?: string;
  hint?: string;
}) {
  const [term, setTerm] = useState(defaultValue);
  const [names, setNames] = useState<Suggestion[]>([]);
  useEffect(() => {
    const q = term.trim();
    if (q.length < 2) return setNames([]);
    const request = new AbortController();
    // Typing "acme" is four keystrokes, not four requests.
    const timer = setTimeout(() => {
      fetch(`/tags?${new URLSearchParams({ q })}`, { signal: request.signal })
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
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        list={`${id}-names`}
        autoComplete="off"
        maxLength={120}
        defaultValue={defaultValue}
        onChange={(e) => setTerm(e.currentTarget.value)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <datalist id={`${id}-names`}>
        {names.map((n) => (
          <option key={`${n.group}:${n.label}`} value={n.label}>
            {n.group}
          </option>
        ))}
      </datalist>
      {hint ? (
        <p id={`${id}-hint`} className="meta">
          {hint}
        </p>
      ) : null}
    </>
  );
}
