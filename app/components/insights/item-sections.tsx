// The item insights page's sections about sellers' answers: reasons, comments, and the searches that led here.
import { Link } from "@remix-run/react";
import { ChartFigure, PlotChart } from "~/components/feedback/charts";
import type { Markup } from "~/modules/document-markup.server";
import { EmptyState } from "~/components/shell";
import { formatDate } from "@/vocabulary/dates";

type Reason = { reason: string; label: string; count: number };
type Comment = { useful: boolean; comment: string; versionNumber: number; team: string | null; at: string | Date };

export function ReasonsSection({ reasons, chart }: { reasons: Reason[]; chart: Markup | null }) {
  return (
    <section aria-labelledby="reasons">
      <h2 id="reasons">Why sellers rated it so</h2>
      {reasons.length === 0 ? (
        <EmptyState title="No reasons given in this period" />
      ) : (
        <>
          <ChartFigure title="Reasons chosen">
            <PlotChart chart={chart} />
          </ChartFigure>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Reasons</caption>
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col">Sellers</th>
                </tr>
              </thead>
              <tbody>
                {reasons.map((r) => (
                  <tr key={r.reason}>
                    <th scope="row">{r.label}</th>
                    <td>{r.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function CommentsSection({ comments, total, allHref }: { comments: Comment[]; total: number; allHref: string | null }) {
  return (
    <section aria-labelledby="comments">
      <h2 id="comments">Comments</h2>
      {total > comments.length ? (
        <p className="meta">
          The newest {comments.length} of {total.toLocaleString("en")} comments in this period.
          {allHref ? (
            <>
              {" "}
              <Link to={allHref}>Read every rating of this item in the feedback inbox</Link>
            </>
          ) : null}
        </p>
      ) : null}
      {comments.length === 0 ? (
        <EmptyState title="No comments in this period" />
      ) : (
        <ul className="list">
          {comments.map((c, n) => (
            <li key={n} className="card">
              <span className={c.useful ? "badge published" : "badge in_review"}>{c.useful ? "Useful" : "Not useful"}</span> “{c.comment}”
              <div className="meta">
                v{c.versionNumber} · {c.team ?? "No team"} · {formatDate(c.at)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SearchTermsSection({ terms }: { terms: { query: string; clicks: number }[] }) {
  return (
    <section aria-labelledby="terms">
      <h2 id="terms">Searches that led here</h2>
      {terms.length === 0 ? (
        <EmptyState title="Nobody reached it from search in this period" />
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="terms">
            <thead>
              <tr>
                <th scope="col">Search</th>
                <th scope="col">Clicks</th>
              </tr>
            </thead>
            <tbody>
              {terms.map((t) => (
                <tr key={t.query}>
                  <th scope="row">{t.query}</th>
                  <td>{t.clicks}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
