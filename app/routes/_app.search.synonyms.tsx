import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { EmptyState } from "~/components/shell";
import { UndoNotice } from "~/components/undo-notice";
import { requireUser } from "~/modules/auth/guard.server";
import { SynonymAction, addSynonymGroup, deleteSynonymGroup, listSynonyms } from "~/modules/search/synonyms.server";
import { formAction } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Search synonyms · Fieldkit" }];

const ROLES = ["marketer", "admin"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request, ROLES);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 80);
  const groups = await listSynonyms(context.app, user, { q: q || undefined });
  return { q, groups: groups.map((g) => ({ id: g.id, terms: g.terms })) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request, ROLES);
  const form = Object.fromEntries(await readForm(request));
  return formAction(
    async () => {
      const input = SynonymAction.parse(form);
      if (input.intent === "add") {
        await addSynonymGroup(context.app, user, input.terms);
        return { formError: null, done: `Saved: ${input.terms.join(" = ")}`, undo: null };
      }
      const removed = await deleteSynonymGroup(context.app, user, input.id);
      return { formError: null, done: `Removed: ${removed.join(" = ")}`, undo: removed.join(", ") };
    },
    { echo: { done: null, undo: null } },
  );
}

export default function Synonyms() {
  const { q, groups } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>Search synonyms</h1>
      <p>Words that mean the same thing to sellers. Both search engines treat every term in a group as the others.</p>
      {/* A new key after each success empties the field for the next group; after a mistake it keeps what was typed. */}
      <Form method="post" className="card" key={result?.done ?? "add"}>
        <input type="hidden" name="intent" value="add" />
        <label htmlFor="syn-terms">Equivalent terms, separated by commas</label>
        <input
          id="syn-terms"
          name="terms"
          placeholder="MQL, marketing qualified lead"
          required
          maxLength={1000}
          aria-describedby="syn-status"
        />
        <p id="syn-status" aria-live="polite">
          {result?.formError ? (
            <span className="field-error">{result.formError}</span>
          ) : result?.done && !result.undo ? (
            <span className="notice">{result.done}</span>
          ) : null}
        </p>
        <button type="submit" disabled={busy}>
          Add group
        </button>
      </Form>
      {result?.done && result.undo ? <UndoNotice message={result.done} fields={{ intent: "add", terms: result.undo }} busy={busy} /> : null}
      <h2>Groups</h2>
      <Form method="get" className="inbox-filters" role="search" aria-label="Find a synonym group" key={q}>
        <div>
          <label htmlFor="syn-q">Find a term</label>
          <input id="syn-q" name="q" type="search" defaultValue={q} maxLength={80} />
        </div>
        <button type="submit">Find</button>
      </Form>
      <p className={groups.length || q ? "meta" : "visually-hidden"} role="status">
        {q
          ? `${groups.length} ${groups.length === 1 ? "group has" : "groups have"} a term with “${q}”.`
          : `${groups.length} ${groups.length === 1 ? "group" : "groups"}.`}
        {q ? (
          <>
            {" "}
            <Link to="/search/synonyms">Show every group</Link>
          </>
        ) : null}
      </p>
      {groups.length === 0 && q ? null : groups.length === 0 ? (
        <EmptyState title="No synonyms yet">
          <p>Add abbreviations and team jargon so sellers find content whichever word they use.</p>
        </EmptyState>
      ) : (
        <ul className="list">
          {groups.map((g) => (
            <li key={g.id} className="item-row" style={{ justifyContent: "space-between", alignItems: "center" }}>
              <span>{g.terms.join(" = ")}</span>
              <Form method="post">
                <input type="hidden" name="intent" value="delete" />
                <input type="hidden" name="id" value={g.id} />
                <button type="submit" className="secondary" aria-label={`Remove ${g.terms.join(", ")}`}>
                  Remove
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
