// What buyers did with shares, summed for the seller (per share), marketing (per item) and managers
// (per team). Read from the rollups the event statement keeps (the share's counters and
// `share_page_reads`), never from raw `share_events`, whose rows grow by every heartbeat (decision 021).
import { and, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { shareEvents, shareItems, sharePageReads, shares, teams } from "@/db/schema";
import { rowsOf } from "@/db/client";

/** A page counts as read after this much visible time; a flick past it is a skip. */
export const READ_MS = 1_000;

export type ShareSummary = {
  opens: number;
  viewers: number;
  downloads: number;
  totalMs: number;
  /** Pages read per item position, e.g. [{position: 1, pages: [1, 2, 3]}]. */
  pagesRead: { position: number; pages: number[] }[];
  /** "opened 2× · pages 1–6 read · 4 min", or "not opened yet". */
  text: string;
};

export type ShareEngagement = {
  opens: number;
  viewers: number;
  downloads: number;
  emails: string[];
  items: { position: number; ms: number; pages: { page: number; ms: number }[] }[];
};

/** "1–3, 5": consecutive pages folded into ranges. */
export function pageRanges(pages: number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j;
  }
  return parts.join(", ");
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function summaryText(s: Omit<ShareSummary, "text">, itemCount = 1): string {
  if (s.opens === 0) return "not opened yet";
  const parts = [`opened ${s.opens}×`];
  if (s.viewers > 1) parts.push(`${s.viewers} viewers (forwarded)`);
  const withPages = s.pagesRead.filter((p) => p.pages.some((n) => n > 0));
  if (withPages.length) {
    parts.push(
      withPages
        .map((p) => `${itemCount > 1 ? `item ${p.position}: ` : ""}${p.pages.length === 1 ? "page" : "pages"} ${pageRanges(p.pages)}`)
        .join("; ") + " read",
    );
  }
  if (s.totalMs > 0) parts.push(formatDuration(s.totalMs));
  if (s.downloads) parts.push(`${s.downloads} download${s.downloads === 1 ? "" : "s"}`);
  return parts.join(" · ");
}

type PageRow = { shareId: string; position: number; page: number; ms: number };

async function pageTimes(db: Db, shareIds: string[]): Promise<PageRow[]> {
  const r = sharePageReads;
  return db
    .select({ shareId: r.shareId, position: r.position, page: r.page, ms: r.ms })
    .from(r)
    .where(inArray(r.shareId, shareIds))
    .orderBy(r.shareId, r.position, r.page);
}

export async function summariesFor(db: Db, shareIds: string[]): Promise<Map<string, ShareSummary>> {
  const out = new Map<string, ShareSummary>();
  if (shareIds.length === 0) return out;
  const [counts, pages] = await Promise.all([
    db
      .select({ shareId: shares.id, opens: shares.opens, viewers: shares.viewers, downloads: shares.downloads })
      .from(shares)
      .where(inArray(shares.id, shareIds)),
    pageTimes(db, shareIds),
  ]);
  for (const id of shareIds) {
    const c = counts.find((r) => r.shareId === id) ?? { opens: 0, viewers: 0, downloads: 0 };
    const mine = pages.filter((p) => p.shareId === id);
    const positions = [...new Set(mine.map((p) => p.position))];
    const base = {
      opens: c.opens,
      viewers: c.viewers,
      downloads: c.downloads,
      totalMs: mine.reduce((a, p) => a + p.ms, 0),
      pagesRead: positions
        .map((position) => ({ position, pages: mine.filter((p) => p.position === position && p.ms >= READ_MS).map((p) => p.page) }))
        .filter((p) => p.pages.length),
    };
    out.set(id, { ...base, text: summaryText(base, positions.length > 1 ? 2 : 1) });
  }
  return out;
}

export async function engagementFor(db: Db, shareId: string): Promise<ShareEngagement> {
  const [summary, pages, emails] = await Promise.all([
    summariesFor(db, [shareId]),
    pageTimes(db, [shareId]),
    db
      .selectDistinct({ email: shareEvents.email })
      .from(shareEvents)
      // The partial index on opens serves this: emails come only with opens.
      .where(and(eq(shareEvents.shareId, shareId), eq(shareEvents.type, "open"), isNotNull(shareEvents.email))),
  ]);
  const s = summary.get(shareId)!;
  const positions = [...new Set(pages.map((p) => p.position))];
  return {
    opens: s.opens,
    viewers: s.viewers,
    downloads: s.downloads,
    emails: emails.map((e) => e.email!).sort(),
    items: positions.map((position) => {
      const mine = pages.filter((p) => p.position === position);
      return { position, ms: mine.reduce((a, p) => a + p.ms, 0), pages: mine.map(({ page, ms }) => ({ page, ms })) };
    }),
  };
}

export type ItemBuyerInsights = {
  shares: number;
  opened: number;
  openRate: number | null;
  /** Median visible time per opened share on this item, 0 for a share opened and never read there. */
  medianReadMs: number | null;
  /** Per page: in how many opened shares it was read, and the total time. Pages never read are skips. */
  pages: { page: number; readIn: number; ms: number }[];
  /** Pages of the current version, so pages nobody read show up as skipped. */
  pageCount: number | null;
};

/** Marketing's view of one item in buyers' hands. */
/** `teamIds`: the shares of those teams' sellers only (a manager's scope); null or absent for every team. */
export async function buyerInsightsForItem(
  db: Db,
  itemId: string,
  range?: { from: Date; to: Date },
  teamIds: string[] | null = null,
): Promise<ItemBuyerInsights> {
  const inRange = range ? and(gte(shares.createdAt, range.from), lt(shares.createdAt, range.to)) : undefined;
  const ofTeams = teamIds === null ? undefined : teamIds.length ? inArray(shares.teamId, teamIds) : sql`false`;
  const ofTeamsSql =
    teamIds === null
      ? sql``
      : teamIds.length
        ? sql`and s.team_id in (${sql.join(
            teamIds.map((t) => sql`${t}::uuid`),
            sql`, `,
          )})`
        : sql`and false`;
  const [counts] = await db
    .select({
      shares: sql<number>`count(*)::int`,
      opened: sql<number>`count(*) filter (where ${shares.firstOpenedAt} is not null)::int`,
    })
    .from(shareItems)
    .innerJoin(shares, eq(shares.id, shareItems.shareId))
    .where(and(eq(shareItems.itemId, itemId), inRange, ofTeams));
  // Every opened share, read or not: a buyer who opened the link and never reached this item read it for
  // 0 s, and leaving them out made the median the reading time of the few who did (one 6-minute reader of
  // four opened shares showed 6 min).
  const perShare = rowsOf<{ share_id: string; page: number | null; ms: number }>(
    await db.execute(sql`
      select si.share_id, r.page, coalesce(sum(r.ms), 0)::float8 as ms
      from ${shareItems} si
      join ${shares} s on s.id = si.share_id
      left join ${sharePageReads} r on r.share_id = si.share_id and r.position = si.position
      where si.item_id = ${itemId} and (s.first_opened_at is not null or r.share_id is not null)
        ${range ? sql`and s.created_at >= ${range.from.toISOString()}::timestamptz and s.created_at < ${range.to.toISOString()}::timestamptz` : sql``}
        ${ofTeamsSql}
      group by si.share_id, r.page`),
  );
  const [version] = rowsOf<{ page_count: number | null }>(
    await db.execute(sql`select page_count from item_versions where item_id = ${itemId} order by number desc limit 1`),
  );
  const byShare = new Map<string, number>();
  const byPage = new Map<number, { readIn: number; ms: number }>();
  for (const r of perShare) {
    byShare.set(r.share_id, (byShare.get(r.share_id) ?? 0) + r.ms);
    if (r.page === null) continue;
    const p = byPage.get(r.page) ?? { readIn: 0, ms: 0 };
    p.ms += r.ms;
    if (r.ms >= READ_MS) p.readIn += 1;
    byPage.set(r.page, p);
  }
  const times = [...byShare.values()].sort((a, b) => a - b);
  const median = times.length
    ? times.length % 2
      ? times[(times.length - 1) / 2]
      : (times[times.length / 2 - 1] + times[times.length / 2]) / 2
    : null;
  return {
    shares: counts.shares,
    opened: counts.opened,
    openRate: counts.shares ? counts.opened / counts.shares : null,
    medianReadMs: median,
    pages: [...byPage.entries()].sort((a, b) => a[0] - b[0]).map(([page, v]) => ({ page, ...v })),
    pageCount: version?.page_count ?? null,
  };
}

/** Shares and open rates per team (managers: their teams; admins and marketers: every team). */
export async function sharesByTeam(db: Db, { teamIds, from, to }: { teamIds: string[] | null; from: Date; to: Date }) {
  const rows = await db
    .select({
      teamId: shares.teamId,
      team: sql<string>`coalesce(${teams.name}, 'No team')`,
      shares: sql<number>`count(*)::int`,
      opened: sql<number>`count(*) filter (where ${shares.firstOpenedAt} is not null)::int`,
    })
    .from(shares)
    .leftJoin(teams, eq(teams.id, shares.teamId))
    .where(
      and(
        gte(shares.createdAt, from),
        lt(shares.createdAt, to),
        teamIds ? inArray(shares.teamId, teamIds.length ? teamIds : ["00000000-0000-0000-0000-000000000000"]) : undefined,
      ),
    )
    .groupBy(shares.teamId, teams.name)
    .orderBy(sql`coalesce(${teams.name}, 'No team')`);
  return rows.map((r) => ({ ...r, openRate: r.shares ? r.opened / r.shares : null }));
}
