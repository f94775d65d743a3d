// The metadata every item carries, shared by the upload, messaging and edit forms. Plain inputs, so
// the forms work before JavaScript loads; repeated names (tags, audiences) arrive as lists.
import { FACET_LABEL, TYPE_LABEL } from "@/vocabulary/library";
import { FieldError } from "~/components/form-fields";
import { TagNameField } from "~/components/tag-name-field";

export type Choices = {
  tags: { id: string; facet: string; value: string; label: string }[];
  /** Per group, the tags not among `tags` (a large group shows its most used): found by name instead. */
  more: Record<string, number>;
  teams: { id: string; name: string }[];
  owners: { id: string; name: string }[];
};

export type MetadataValues = {
  title?: string;
  summary?: string;
  type?: string;
  ownerId?: string | null;
  tags?: string[];
  audiences?: string[];
  expiresAt?: string | null;
  verifyIntervalDays?: number | null;
};

/** What was typed in "Another tag" before a failed save: the one value that is not a chip's id. */
const typedTag = (tags: string[] | undefined, choices: Choices) =>
  tags?.find((t) => !choices.tags.some((c) => c.id === t) && !/^[0-9a-f-]{36}$/i.test(t)) ?? "";

/** yyyy-mm-dd for a date input, from a Date or ISO string. */
export const dateInputValue = (d: string | Date | null | undefined) => (d ? new Date(d).toISOString().slice(0, 10) : "");

export function MetadataFields({
  choices,
  values = {},
  errors = {},
  types,
  showTitle = true,
  showType = true,
  typeOptional = false,
}: {
  choices: Choices;
  values?: MetadataValues;
  errors?: Record<string, string>;
  types: readonly string[];
  showTitle?: boolean;
  showType?: boolean;
  /** Uploads pick a type from the file's bytes unless one is chosen. */
  typeOptional?: boolean;
}) {
  const facets = [...new Set(choices.tags.map((t) => t.facet))];
  const err = (name: string) => (errors[name] ? { "aria-invalid": true, "aria-describedby": `${name}-error` } : {});
  return (
    <>
      {showTitle ? (
        <>
          <label htmlFor="title">Title</label>
          <input id="title" name="title" required maxLength={200} defaultValue={values.title} {...err("title")} />
          <FieldError id="title-error" message={errors.title} />
        </>
      ) : null}
      <label htmlFor="summary">Summary</label>
      <textarea id="summary" name="summary" rows={2} maxLength={2000} defaultValue={values.summary} {...err("summary")} />
      <FieldError id="summary-error" message={errors.summary} />
      <div className="row">
        {showType ? (
          <div>
            <label htmlFor="type">Type</label>
            <select id="type" name="type" defaultValue={values.type ?? ""} {...err("type")}>
              {typeOptional ? <option value="">Decide from the file</option> : null}
              {types.map((t) => (
                <option key={t} value={t}>
                  {TYPE_LABEL[t] ?? t}
                </option>
              ))}
            </select>
            <FieldError id="type-error" message={errors.type} />
          </div>
        ) : null}
        <div>
          <label htmlFor="ownerId">Owner</label>
          <select id="ownerId" name="ownerId" defaultValue={values.ownerId ?? ""}>
            <option value="">Me</option>
            {choices.owners.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="row">
        <div>
          <label htmlFor="expiresAt">Expires on</label>
          <input id="expiresAt" name="expiresAt" type="date" defaultValue={dateInputValue(values.expiresAt)} {...err("expiresAt")} />
          <FieldError id="expiresAt-error" message={errors.expiresAt} />
        </div>
        <div>
          <label htmlFor="verifyIntervalDays">Re-verify every (days)</label>
          <input
            id="verifyIntervalDays"
            name="verifyIntervalDays"
            type="number"
            min={1}
            max={3650}
            inputMode="numeric"
            defaultValue={values.verifyIntervalDays ?? ""}
            {...err("verifyIntervalDays")}
          />
          <FieldError id="verifyIntervalDays-error" message={errors.verifyIntervalDays} />
        </div>
      </div>
      {facets.map((facet) => (
        <fieldset key={facet} className="chips">
          <legend>{FACET_LABEL[facet] ?? facet}</legend>
          {choices.tags
            .filter((t) => t.facet === facet)
            .map((t) => (
              <label key={t.id} className="chip">
                <input type="checkbox" name="tags" value={t.id} defaultChecked={values.tags?.includes(t.id)} />
                {t.label}
              </label>
            ))}
          {choices.more[facet] ? (
            <p className="meta">
              The most used of {(choices.more[facet] + choices.tags.filter((t) => t.facet === facet).length).toLocaleString("en")}: type
              another one&apos;s name under “Another tag”.
            </p>
          ) : null}
        </fieldset>
      ))}
      {Object.values(choices.more).some(Boolean) ? (
        <TagNameField
          id="tag-by-name"
          name="tags"
          label="Another tag"
          defaultValue={typedTag(values.tags, choices)}
          hint="A tag's name as your admins wrote it; names that match are suggested as you type."
        />
      ) : null}
      <FieldError id="tags-error" message={errors.tags} />
      <fieldset className="chips">
        <legend>Audience</legend>
        <p className="meta">Leave all unticked to share with everyone.</p>
        {choices.teams.map((t) => (
          <label key={t.id} className="chip">
            <input type="checkbox" name="audiences" value={t.id} defaultChecked={values.audiences?.includes(t.id)} />
            {t.name}
          </label>
        ))}
      </fieldset>
      <FieldError id="audiences-error" message={errors.audiences} />
    </>
  );
}
