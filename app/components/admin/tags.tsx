// The tag admin page's pieces: one section per tag group, a row per tag with rename, and merge/delete
// behind a <details> so a destructive step is always a second, deliberate click. Plain forms: every
// action works before JavaScript loads.
import { Form } from "@remix-run/react";
import { TableHead } from "~/components/data-table";
import { PageLinks } from "~/components/page-links";
import { TAGS_PER_PAGE } from "@/vocabulary/library";

export type AdminTag = { id: string; facet: string; value: string; label: string; items: number };
export type AdminTagGroup = {
  facet: string;
  label: string;
  /** This page's tags, filtered and sorted. */
  tags: AdminTag[];
  matching: number;
  page: number;
  pages: number;
  all: AdminTag[];
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function RenameForm({ tag, busy }: { tag: AdminTag; busy: boolean }) {
  const id = `label-${tag.id}`;
  return (
    <Form method="post" className="tag-rename">
      <input type="hidden" name="intent" value="rename" />
      <input type="hidden" name="tagId" value={tag.id} />
      <label htmlFor={id} className="visually-hidden">
        Label for {tag.value}
      </label>
      <input id={id} name="label" defaultValue={tag.label} required maxLength={80} />
      <button type="submit" className="secondary" disabled={busy}>
        Rename
      </button>
    </Form>
  );
}

function MergeOrDelete({ tag, hasOthers, keysId, busy }: { tag: AdminTag; hasOthers: boolean; keysId: string; busy: boolean }) {
  const inputId = `merge-${tag.id}`;
  return (
    <details>
      <summary>Merge or delete “{tag.label}”</summary>
      {hasOthers ? (
        <Form method="post">
          <input type="hidden" name="intent" value="merge" />
          <input type="hidden" name="fromId" value={tag.id} />
          <label htmlFor={inputId}>Merge into</label>
          {/* A key typed or picked from the group's one list: a <select> of the whole group in every row
              made the page grow with the square of the group (500 tags, 250,000 options). */}
          <input
            id={inputId}
            name="intoKey"
            list={keysId}
            required
            maxLength={60}
            autoComplete="off"
            placeholder="Key of the tag to keep"
          />
          <p className="meta">
            {plural(tag.items, "item")} will carry the chosen tag instead, and “{tag.label}” will be removed. This cannot be undone.
          </p>
          <button type="submit" className="danger" disabled={busy}>
            Merge “{tag.label}”
          </button>
        </Form>
      ) : (
        <p className="meta">No other tag in this group to merge into.</p>
      )}
      {tag.items === 0 ? (
        <Form method="post">
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="tagId" value={tag.id} />
          <button type="submit" className="danger" disabled={busy}>
            Delete “{tag.label}”
          </button>
        </Form>
      ) : (
        <p className="meta">Only unused tags can be deleted; merge this one instead.</p>
      )}
    </details>
  );
}

function AddTagForm({ group, busy }: { group: AdminTagGroup; busy: boolean }) {
  const prefix = `add-${group.facet}`;
  return (
    <details>
      <summary>Add a tag to {group.label}</summary>
      <Form method="post">
        <input type="hidden" name="intent" value="create" />
        <input type="hidden" name="facet" value={group.facet} />
        <label htmlFor={`${prefix}-label`}>Label</label>
        <input id={`${prefix}-label`} name="label" required maxLength={80} placeholder="Retail banking" />
        <label htmlFor={`${prefix}-value`}>Key</label>
        <input
          id={`${prefix}-value`}
          name="value"
          required
          maxLength={60}
          pattern="[a-z0-9][a-z0-9\-]*"
          placeholder="retail-banking"
          aria-describedby={`${prefix}-hint`}
        />
        <p id={`${prefix}-hint`} className="meta">
          Lowercase letters, digits and hyphens. The key never changes: links and filters use it.
        </p>
        <button type="submit" disabled={busy}>
          Add tag
        </button>
      </Form>
    </details>
  );
}

export function TagGroupSection({
  group,
  filtered,
  busy,
  pageHref,
}: {
  group: AdminTagGroup;
  filtered: boolean;
  busy: boolean;
  /** The address of this group's page `p`, the other groups' pages and the filter kept. */
  pageHref: (p: number) => string;
}) {
  const headingId = `group-${group.facet}`;
  const keysId = `tag-keys-${group.facet}`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>
        {group.label} <span className="meta">({plural(group.all.length, "tag")})</span>
      </h2>
      {group.pages > 1 || (filtered && group.matching > 0) ? (
        <p className="meta">
          {(group.page - 1) * TAGS_PER_PAGE + 1}–{(group.page - 1) * TAGS_PER_PAGE + group.tags.length} of {group.matching}
          {filtered ? " matching" : ""}
        </p>
      ) : null}
      {group.tags.length === 0 ? (
        <p className="meta">{filtered ? "No tag in this group matches the filter." : "No tags in this group yet."}</p>
      ) : (
        <div className="table-wrap">
          <table className="tags-table cards-on-phone">
            <caption className="visually-hidden">{group.label} tags</caption>
            <TableHead columns={["Label", "Key", "Items", "Merge or delete"]} />
            <tbody>
              {group.tags.map((tag) => (
                <tr key={tag.id}>
                  <td className="card-wide">
                    <RenameForm tag={tag} busy={busy} />
                  </td>
                  <td>
                    <code>{tag.value}</code>
                  </td>
                  <td>
                    {tag.items}
                    {/* On a phone's card, where the column's name is not on screen. */}
                    <span className="tag-items-unit" aria-hidden="true">
                      {tag.items === 1 ? " item" : " items"}
                    </span>
                  </td>
                  <td className="card-wide">
                    <MergeOrDelete tag={tag} hasOthers={group.all.length > 1} keysId={keysId} busy={busy} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <datalist id={keysId}>
            {group.all.map((o) => (
              <option key={o.id} value={o.value}>
                {o.label}
              </option>
            ))}
          </datalist>
        </div>
      )}
      <PageLinks page={group.page} pages={group.pages} href={pageHref} label={`${group.label} tags, pages`} />
      <AddTagForm group={group} busy={busy} />
    </section>
  );
}
