import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { TagGroupSection } from "~/components/admin/tags";
import { UndoNotice } from "~/components/undo-notice";
import { requireUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { createTag, deleteTag, listTagGroups, mergeTags, renameTag } from "~/modules/library/tag-admin.server";
import { formAction, pageData } from "~/modules/page-errors.server";
import { readForm } from "~/modules/request-body.server";
import { FACETS, TAG_SORTS, TAG_SORT_LABEL } from "@/vocabulary/library";

export const meta: MetaFunction = () => [{ title: "Tags · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const params = new URL(request.url).searchParams;
  const q = (params.get("q") ?? "").slice(0, 80);
  const sort = TAG_SORTS.find((s) => s === params.get("sort")) ?? "label";
  // Each group pages apart: `industry-page=2` leaves the other groups on their page.
  const pages = Object.fromEntries(FACETS.map((f) => [f, Number(params.get(`${f}-page`)) || 1]));
  return pageData(async () => ({ q, sort, groups: await listTagGroups(context.app.db, { actor, q, sort, pages }) }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireUser(context.app, request, ["admin"]);
  const form = Object.fromEntries(await readForm(request)) as Record<string, string>;
  const db = context.app.db;
  return formAction(
    async () => {
      switch (form.intent) {
        case "create": {
          const tag = await createTag(db, { actor, input: form });
          return { ok: `Added “${tag.label}”.` };
        }
        case "rename": {
          const tag = await renameTag(db, { actor, input: form });
          return { ok: `Renamed to “${tag.label}”.` };
        }
        case "merge": {
          const { from, into, items } = await mergeTags(db, { actor, input: form });
          return { ok: `Merged “${from.label}” into “${into.label}”: ${items} item${items === 1 ? "" : "s"} moved.` };
        }
        case "delete": {
          const tag = await deleteTag(db, { actor, input: form });
          // An unused tag comes back whole from its group, key and label: cheap to offer.
          return { ok: `Deleted “${tag.label}”.`, undo: { facet: tag.facet, value: tag.value, label: tag.label } };
        }
        default:
          throw new AppError("bad_request", "Unknown action.");
      }
    },
    { notFoundPage: false },
  );
}

export default function TagAdmin() {
  const { q, sort, groups } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const empty = groups.every((g) => g.all.length === 0);
  return (
    <>
      <h1>Tags</h1>
      <p>
        <Link to="/admin">People and teams</Link> · <Link to="/admin/audit?kind=tag">Tag history</Link>
      </p>
      <p>
        Publishers choose from these tags; sellers filter search by them. Renaming changes the label everywhere and keeps the key, so links
        and saved filters keep working.
      </p>
      <div aria-live="polite">
        {result && "formError" in result ? (
          <p className="form-error" role="alert">
            {result.formError}
          </p>
        ) : result && "undo" in result && result.undo ? (
          <UndoNotice message={result.ok} fields={{ intent: "create", ...result.undo }} busy={busy} />
        ) : result && "ok" in result ? (
          <p className="notice">{result.ok}</p>
        ) : null}
      </div>
      <Form method="get" role="search" aria-label="Filter tags" className="tag-rename tag-filters" key={`${q}|${sort}`}>
        <div>
          <label htmlFor="tag-filter">Filter tags</label>
          <input id="tag-filter" type="search" name="q" defaultValue={q} maxLength={80} placeholder="Label or key" />
        </div>
        <div>
          <label htmlFor="tag-sort">Order</label>
          <select id="tag-sort" name="sort" defaultValue={sort}>
            {TAG_SORTS.map((s) => (
              <option key={s} value={s}>
                {TAG_SORT_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          Filter
        </button>
        {q || sort !== "label" ? <Link to="/admin/tags">Show all</Link> : null}
      </Form>
      {empty ? <p className="meta">No tags yet: add the first one to a group below.</p> : null}
      {groups.map((group) => (
        <TagGroupSection
          key={group.facet}
          group={group}
          filtered={Boolean(q)}
          busy={busy}
          pageHref={(page) => {
            const next = new URLSearchParams(params);
            if (page > 1) next.set(`${group.facet}-page`, String(page));
            else next.delete(`${group.facet}-page`);
            const query = next.toString();
            return query ? `/admin/tags?${query}` : "/admin/tags";
          }}
        />
      ))}
    </>
  );
}
