// Marketing's view of an item in buyers' hands: shares, open rate, median reading time, and which
// pages buyers read and which they skip.
import { EmptyState } from "~/components/shell";

type Insights = {
  shares: number;
  opened: number;
  openRate: number | null;
  medianReadMs: number | null;
  pages: { page: number; readIn: number; ms: number }[];
  pageCount: number | null;
};

const pct = (n: number | null) => (n === null ? "–" : `${Math.round(n * 100)} %`);
const dur = (ms: number | null) => (ms === null ? "–" : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${Math.round(ms / 1000)} s`);

export function BuyerInsights({ buyers }: { buyers: Insights }) {
  const total = Math.max(buyers.pageCount ?? 0, ...buyers.pages.map((p) => p.page));
  const rows =
    total > 0
      ? Array.from({ length: total }, (_, i) => buyers.pages.find((p) => p.page === i + 1) ?? { page: i + 1, readIn: 0, ms: 0 })
      : buyers.pages;
  return (
    <section aria-labelledby="buyers">
      <h2 id="buyers">Buyer engagement</h2>
      {buyers.shares === 0 ? (
        <EmptyState title="Not shared with buyers in this period" />
      ) : (
        <>
          <dl className="kpis">
            <div>
              <dt>Shared with buyers</dt>
              <dd>{buyers.shares}</dd>
            </div>
            <div>
              <dt>Opened</dt>
              <dd>{buyers.opened}</dd>
            </div>
            <div>
              <dt>Open rate</dt>
              <dd>{pct(buyers.openRate)}</dd>
            </div>
            <div>
              <dt>Median reading time</dt>
              <dd>{dur(buyers.medianReadMs)}</dd>
            </div>
          </dl>
          {rows.length ? (
            <div className="table-wrap">
              <table aria-labelledby="buyers">
                <thead>
                  <tr>
                    <th scope="col">Page</th>
                    <th scope="col">Read in (opened shares)</th>
                    <th scope="col">Total time</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((p) => (
                    <tr key={p.page}>
                      <th scope="row">{p.page === 0 ? "Whole item" : `Page ${p.page}`}</th>
                      <td>{p.readIn === 0 ? "skipped" : `${p.readIn} of ${buyers.opened}`}</td>
                      <td>{dur(p.ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
