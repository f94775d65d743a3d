// Date range and team filters for the insight pages: a plain GET form, so links can be shared.
import { Form, useNavigation } from "@remix-run/react";

export function InsightFilters({
  filters,
  teams,
  action,
}: {
  filters: { range: { from: string; to: string }; teamId: string | null };
  /** null: no team choice (a page about one seller). */
  teams: { id: string; name: string }[] | null;
  action: string;
}) {
  const busy = useNavigation().state === "loading";
  return (
    <Form method="get" action={action} className="card filters" aria-label="Filters">
      <div className="row compact-fields">
        <div>
          <label htmlFor="f-from">From</label>
          <input id="f-from" type="date" name="from" defaultValue={filters.range.from} required />
        </div>
        <div>
          <label htmlFor="f-to">To</label>
          <input id="f-to" type="date" name="to" defaultValue={filters.range.to} required />
        </div>
        {teams ? (
          <div>
            <label htmlFor="f-team">Team</label>
            <select id="f-team" name="team" defaultValue={filters.teamId ?? ""}>
              <option value="">{teams.length === 1 ? teams[0].name : "All my teams"}</option>
              {teams.length > 1
                ? teams.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.name}
                    </option>
                  ))
                : null}
            </select>
          </div>
        ) : null}
        <div>
          <button type="submit" disabled={busy} style={{ width: "100%" }}>
            {busy ? "Loading…" : "Apply"}
          </button>
        </div>
      </div>
    </Form>
  );
}
