// Every insight query, in one place. Usage comes from the daily rollups (never the raw events);
// usefulness from each person's latest rating on an item; gaps from the search log and requests.
// Who sees what is decided here: marketers and admins every team, managers only the teams they lead.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { NO_TEAM } from "../../../db/schema";
import { RATING_REASONS } from "../../../vocabulary/feedback";
import type { SessionUser } from "../auth/session.server";
import { AppError, forbidden, notFound } from "../errors.server";
import { rowsOf } from "../../../db/client";
import { DAY_MS, median, wilsonLowerBound, type DayRange } from "../feedback/score.server";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `teamIds: null` means every team. */
export type Scope = { teamIds: string[] | null };

/**
 * Sellers get 403; a manager sees the teams they lead (asking for another is 403); marketers and
 * admins see all teams or the one asked for.
 */
export function insightScope(user: SessionUser, teamId?: string | null, roles: readonly string[] = ["marketer", "manager", "admin"]): Scope {
  if (!roles.includes(user.role)) throw forbidden("Insights are for marketing, managers and admins.");
  if (teamId && !UUID_RE.test(teamId)) throw new AppError("bad_request", "team must be a team id.");
  if (user.role === "manager") {
    if (teamId) {
      if (!user.leadsTeamIds.includes(teamId)) throw forbidden("You can only see the teams you lead.");
      return { teamIds: [teamId] };
    }
    return { teamIds: [...user.leadsTeamIds] };
  }
  return { teamIds: teamId ? [teamId] : null };
}

const inTeams = (column: string, scope: Scope): SQL =>
  scope.teamIds === null
    ? sql`true`
    : scope.teamIds.length
      ? sql`${sql.raw(column)} in (${sql.join(scope.teamIds.map((t) => sql`${t}::uuid`), sql`, `)})`
      : sql`false`;

/**
 * Usage per day and item: the all-teams totals when the scope is every team (then `inTeams` is `true`),
 * else the per-seller rows, which carry their team.
 */
const usageTable = (scope: Scope): SQL => (scope.teamIds === null ? sql`item_usage_daily` : sql`item_seller_daily`);

/** Start of a UTC day as a timestamptz, whatever the session's time zone. */
const utcStart = (day: string) => sql`(${day}::date::timestamp at time zone 'UTC')`;
const utcEnd = (day: string) => sql`((${day}::date + 1)::timestamp at time zone 'UTC')`;

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const round = (v: number, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

export type ItemInsight = {
  itemId: string;
  title: string;
  type: string;
  status: string;
  views: number;
  uniqueSellers: number;
  shares: number;
  downloads: number;
  avgDwellS: number | null;
  useful: number;
  notUseful: number;
  /** Share of "yes" among ratings, 0..1; null with no ratings. */
  usefulShare: number | null;
  /** Wilson lower bound (95 %): the fair score that ranks lists. */
  score: number;
  /** Buyer shares of the item made in the range by sellers in scope (decision 021), and how many were opened. */
  buyerShares: number;
  buyerOpened: number;
  /** Opened buyer shares / buyer shares, 0..1; null with no shares. */
  buyerOpenRate: number | null;
};

/** Per item: usage in the range and scope, and usefulness from each rater's latest answer in it. */
export async function itemInsights(
  db: Db,
  { user, range, teamId, itemId }: { user: SessionUser; range: DayRange; teamId?: string | null; itemId?: string },
): Promise<ItemInsight[]> {
  const scope = insightScope(user, teamId);
  const onlyItem = (col: string) => (itemId ? sql`${sql.raw(col)} = ${itemId}::uuid` : sql`true`);
  const inRange = sql`day between ${range.from}::date and ${range.to}::date`;
  // Every team: the team-less rollups, one row per item-day (and gap) instead of one per team (or seller).
  const sellers =
    scope.teamIds === null
      ? sql`
      -- A seller counts once, on their first active day in the range: the one whose previous active day is before it.
      select item_id, sum(sellers)::int as sellers from item_seller_gaps
      where ${inRange} and gap > day - ${range.from}::date and ${onlyItem("item_id")}
      group by item_id`
      : sql`
      -- NOTE: distinct pairs first, then count: a hash aggregate, where count(distinct) would sort.
      select item_id, count(*)::int as sellers from (
        select item_id, user_id from item_seller_daily
        where ${inRange} and ${inTeams("team_id", scope)} and ${onlyItem("item_id")}
        group by item_id, user_id
      ) pairs
      group by item_id`;
  const result = await db.execute(sql`
    with u as (
      select item_id, sum(views)::int as views, sum(shares)::int as shares, sum(downloads)::int as downloads,
             sum(dwell_ms)::float8 as dwell_ms, sum(dwells)::int as dwells
      from ${usageTable(scope)}
      where ${inRange} and ${inTeams("team_id", scope)} and ${onlyItem("item_id")}
      group by item_id
    ),
    s as (${sellers}),
    r as (
      select item_id, count(*) filter (where useful)::int as yes, count(*) filter (where not useful)::int as no
      from (
        select distinct on (item_id, user_id) item_id, useful from ratings
        where at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)} and ${onlyItem("item_id")}
        order by item_id, user_id, at desc
      ) latest
      group by item_id
    ),
    b as (
      select si.item_id, count(*)::int as shares, count(*) filter (where sh.first_opened_at is not null)::int as opened
      from share_items si join shares sh on sh.id = si.share_id
      where sh.created_at >= ${utcStart(range.from)} and sh.created_at < ${utcEnd(range.to)} and ${inTeams("sh.team_id", scope)} and ${onlyItem("si.item_id")}
      group by si.item_id
    )
    select i.id as "itemId", i.title, i.type, i.status,
           coalesce(u.views, 0) as views, coalesce(s.sellers, 0) as "uniqueSellers",
           coalesce(u.shares, 0) as shares, coalesce(u.downloads, 0) as downloads,
           u.dwell_ms as "dwellMs", coalesce(u.dwells, 0) as dwells,
           coalesce(r.yes, 0) as yes, coalesce(r.no, 0) as no,
           coalesce(b.shares, 0) as "buyerShares", coalesce(b.opened, 0) as "buyerOpened"
    from items i
    left join u on u.item_id = i.id
    left join s on s.item_id = i.id
    left join r on r.item_id = i.id
    left join b on b.item_id = i.id
    where (u.item_id is not null or r.item_id is not null or b.item_id is not null) and ${onlyItem("i.id")}
    order by coalesce(u.views, 0) desc, i.title, i.id
  `);
  return rowsOf<Record<string, unknown>>(result).map((r) => {
    const yes = num(r.yes);
    const no = num(r.no);
    const dwells = num(r.dwells);
    return {
      itemId: String(r.itemId),
      title: String(r.title),
      type: String(r.type),
      status: String(r.status),
      views: num(r.views),
      uniqueSellers: num(r.uniqueSellers),
      shares: num(r.shares),
      downloads: num(r.downloads),
      avgDwellS: dwells ? round(num(r.dwellMs) / dwells / 1000, 1) : null,
      useful: yes,
      notUseful: no,
      usefulShare: yes + no ? round(yes / (yes + no)) : null,
      score: round(wilsonLowerBound(yes, yes + no)),
      buyerShares: num(r.buyerShares),
      buyerOpened: num(r.buyerOpened),
      buyerOpenRate: num(r.buyerShares) ? round(num(r.buyerOpened) / num(r.buyerShares)) : null,
    };
  });
}

/** Every UTC day of the range, so charts show quiet days as zero instead of skipping them. */
export function daysOf(range: DayRange): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${range.from}T00:00:00Z`); t <= Date.parse(`${range.to}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Monday-start weeks overlapping the range (each clipped to it). */
export function weeksOf(range: DayRange): { week: string; from: string; to: string }[] {
  const days = daysOf(range);
  const weeks = new Map<string, { week: string; from: string; to: string }>();
  for (const day of days) {
    const d = new Date(`${day}T00:00:00Z`);
    const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10);
    const w = weeks.get(monday);
    if (w) w.to = day;
    else weeks.set(monday, { week: monday, from: day, to: day });
  }
  return [...weeks.values()];
}

export type ItemDetail = {
  item: ItemInsight | null;
  title: string;
  trend: { day: string; views: number }[];
  reasons: { reason: string; count: number }[];
  comments: { useful: boolean; comment: string; at: Date; versionNumber: number; team: string | null; reasons: string[] }[];
  searchTerms: { query: string; clicks: number }[];
};

/** One item: the totals, views per day, why people rated it so, their comments, and what they searched for. */
export async function itemDetail(
  db: Db,
  { user, itemId, range, teamId }: { user: SessionUser; itemId: string; range: DayRange; teamId?: string | null },
): Promise<ItemDetail> {
  const scope = insightScope(user, teamId);
  if (!UUID_RE.test(itemId)) throw notFound("No such item.");
  const [found] = rowsOf<{ title: string }>(await db.execute(sql`select title from items where id = ${itemId}::uuid`));
  if (!found) throw notFound("No such item.");
  const [item] = await itemInsights(db, { user, range, teamId, itemId });
  const perDay = rowsOf<{ day: string; views: number }>(
    await db.execute(sql`
      select day::text as day, sum(views)::int as views from ${usageTable(scope)}
      where item_id = ${itemId}::uuid and day between ${range.from}::date and ${range.to}::date and ${inTeams("team_id", scope)}
      group by day`),
  );
  const byDay = new Map(perDay.map((r) => [r.day, num(r.views)]));
  const latest = sql`
    select distinct on (user_id) useful, reasons, comment, at, version_id, team_id from ratings
    where item_id = ${itemId}::uuid and at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}
    order by user_id, at desc`;
  const reasonRows = rowsOf<{ reason: string; count: number }>(
    await db.execute(sql`select reason, count(*)::int as count from (${latest}) l, unnest(l.reasons) as reason group by reason`),
  );
  const commentRows = rowsOf<{ useful: boolean; comment: string; at: Date | string; versionNumber: number; team: string | null; reasons: string[] }>(
    await db.execute(sql`
      select l.useful, l.comment, l.at, v.number as "versionNumber", t.name as team, l.reasons
      from (${latest}) l join item_versions v on v.id = l.version_id left join teams t on t.id = l.team_id
      where l.comment is not null order by l.at desc limit 100`),
  );
  const termRows = rowsOf<{ query: string; clicks: number }>(
    await db.execute(sql`
      select query_norm as query, count(*)::int as clicks from search_queries
      where clicked_item_id = ${itemId}::uuid and at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}
      group by query_norm order by clicks desc, query_norm limit 20`),
  );
  const reasonCount = new Map(reasonRows.map((r) => [r.reason, num(r.count)]));
  return {
    item: item ?? null,
    title: found.title,
    trend: daysOf(range).map((day) => ({ day, views: byDay.get(day) ?? 0 })),
    reasons: RATING_REASONS.map((reason) => ({ reason, count: reasonCount.get(reason) ?? 0 })).filter((r) => r.count > 0),
    comments: commentRows.map((c) => ({ ...c, at: new Date(c.at), versionNumber: num(c.versionNumber) })),
    searchTerms: termRows.map((t) => ({ query: t.query, clicks: num(t.clicks) })),
  };
}

export type HealthItem = { itemId: string; title: string; type: string; detail: string };
export type LibraryHealth = { unused: HealthItem[]; stale: HealthItem[]; expiring: HealthItem[]; lowestRated: HealthItem[] };

/** Wilson upper bound: an item is "lowest rated" only when even the optimistic estimate is low. */
export function wilsonUpperBound(positive: number, total: number, z = 1.959963984540054): number {
  if (total <= 0) return 1;
  return 1 - wilsonLowerBound(total - positive, total, z);
}

/**
 * Marketing's to-do list: published ≥ 30 days with no view in the last 30, past their verification
 * interval, expiring within 14 days, and the lowest rated (by Wilson upper bound, at least 3 ratings).
 */
export async function libraryHealth(db: Db, { user, now = new Date() }: { user: SessionUser; now?: Date }): Promise<LibraryHealth> {
  if (user.role !== "marketer" && user.role !== "admin") throw forbidden("Library health is for marketing and admins.");
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const sinceDay = monthAgo.toISOString().slice(0, 10);
  const unused = rowsOf<{ itemId: string; title: string; type: string; publishedAt: Date | string }>(
    await db.execute(sql`
      select i.id as "itemId", i.title, i.type, i.published_at as "publishedAt" from items i
      where i.status = 'published' and i.published_at <= ${monthAgo.toISOString()}::timestamptz
        and not exists (select 1 from item_usage_daily u where u.item_id = i.id and u.day >= ${sinceDay}::date and u.views > 0)
      order by i.published_at, i.title limit 100`),
  );
  const stale = rowsOf<{ itemId: string; title: string; type: string; due: Date | string }>(
    await db.execute(sql`
      select i.id as "itemId", i.title, i.type,
             coalesce(i.verified_at, i.published_at) + make_interval(days => i.verify_interval_days) as due
      from items i
      where i.status = 'published' and i.verify_interval_days is not null
        and coalesce(i.verified_at, i.published_at) + make_interval(days => i.verify_interval_days) < ${now.toISOString()}::timestamptz
      order by due, i.title limit 100`),
  );
  const expiring = rowsOf<{ itemId: string; title: string; type: string; expiresAt: Date | string }>(
    await db.execute(sql`
      select i.id as "itemId", i.title, i.type, i.expires_at as "expiresAt" from items i
      where i.status = 'published' and i.expires_at > ${now.toISOString()}::timestamptz
        and i.expires_at <= ${new Date(now.getTime() + 14 * DAY_MS).toISOString()}::timestamptz
      order by i.expires_at, i.title limit 100`),
  );
  const rated = rowsOf<{ itemId: string; title: string; type: string; yes: number; total: number }>(
    await db.execute(sql`
      select i.id as "itemId", i.title, i.type, count(*) filter (where l.useful)::int as yes, count(*)::int as total
      from (select distinct on (item_id, user_id) item_id, useful from ratings order by item_id, user_id, at desc) l
      join items i on i.id = l.item_id
      where i.status = 'published'
      group by i.id, i.title, i.type having count(*) >= 3`),
  );
  const day = (d: Date | string) => new Date(d).toISOString().slice(0, 10);
  return {
    unused: unused.map((r) => ({ itemId: r.itemId, title: r.title, type: r.type, detail: `Published ${day(r.publishedAt)}, no views in 30 days` })),
    stale: stale.map((r) => ({ itemId: r.itemId, title: r.title, type: r.type, detail: `Verification was due ${day(r.due)}` })),
    expiring: expiring.map((r) => ({ itemId: r.itemId, title: r.title, type: r.type, detail: `Expires ${day(r.expiresAt)}` })),
    lowestRated: rated
      .map((r) => ({ ...r, upper: wilsonUpperBound(num(r.yes), num(r.total)) }))
      .sort((a, b) => a.upper - b.upper || a.title.localeCompare(b.title))
      .slice(0, 10)
      .map((r) => ({ itemId: r.itemId, title: r.title, type: r.type, detail: `${r.yes} of ${r.total} found it useful` })),
  };
}

export type ContentGap = {
  query: string;
  searches: number;
  zeroResults: number;
  noClick: number;
  people: number;
  teams: string[];
  openRequests: number;
};

/**
 * Searches that found nothing, or found things nobody opened, grouped by normalised query, with the
 * teams asking and how many open requests say the same.
 */
export async function contentGaps(
  db: Db,
  { user, range, teamId, limit = 50 }: { user: SessionUser; range: DayRange; teamId?: string | null; limit?: number },
): Promise<ContentGap[]> {
  const scope = insightScope(user, teamId);
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      with g as (
        select q.query_norm, count(*)::int as searches,
               count(*) filter (where q.result_count = 0)::int as zero_results,
               count(*) filter (where q.result_count > 0 and q.clicked_item_id is null)::int as no_click,
               count(distinct q.user_id)::int as people,
               coalesce(array_agg(distinct t.name) filter (where t.name is not null), '{}') as teams
        from search_queries q left join teams t on t.id = q.team_id
        where q.at >= ${utcStart(range.from)} and q.at < ${utcEnd(range.to)} and ${inTeams("q.team_id", scope)}
          and (q.result_count = 0 or q.clicked_item_id is null) and q.query_norm <> ''
        group by q.query_norm
      )
      select g.*, (select count(*)::int from content_requests r
                   where r.query_norm = g.query_norm and r.status in ('new', 'planned') and ${inTeams("r.team_id", scope)}) as open_requests
      from g order by g.searches desc, g.query_norm limit ${Math.min(Math.max(limit, 1), 500)}`),
  );
  return rows.map((r) => ({
    query: String(r.query_norm),
    searches: num(r.searches),
    zeroResults: num(r.zero_results),
    noClick: num(r.no_click),
    people: num(r.people),
    teams: ((r.teams as string[]) ?? []).slice().sort(),
    openRequests: num(r.open_requests),
  }));
}

export type TeamAdoption = {
  teamId: string;
  team: string;
  region: string | null;
  /** Active sellers in the team today. */
  size: number;
  weeks: { week: string; active: number; rate: number }[];
  /** Mean of the weekly rates. */
  avgRate: number;
  views: number;
};

export type Adoption = {
  teams: TeamAdoption[];
  overall: { week: string; active: number; size: number; rate: number }[];
  regions: { region: string; views: number; active: number; size: number }[];
};

/** Weekly active sellers ÷ team size, per team and week (Monday start, UTC), plus views by team and region. */
export async function adoption(
  db: Db,
  { user, range, teamId }: { user: SessionUser; range: DayRange; teamId?: string | null },
): Promise<Adoption> {
  const scope = insightScope(user, teamId, ["manager", "admin"]);
  const weeks = weeksOf(range);
  // One pass over seller_daily: each person's week (summing their views), then per team and week the
  // sellers among them (active) and everyone's views. Weeks start on Monday: 1970-01-05 was one.
  const [teamResult, weekResult] = await Promise.all([
    db.execute(sql`
      select t.id, t.name, t.region,
             (select count(*)::int from users u where u.team_id = t.id and u.role = 'seller' and u.active) as size
      from teams t where ${inTeams("t.id", scope)} order by t.name`),
    db.execute(sql`
      select w.team_id, w.week::text as week,
             count(*) filter (where u.role = 'seller' and w.team_id <> ${NO_TEAM}::uuid)::int as active, sum(w.views)::int as views
      from (
        select team_id, day - ((day - date '1970-01-05') % 7) as week, user_id, sum(views) as views
        from seller_daily
        where day between ${range.from}::date and ${range.to}::date and ${inTeams("team_id", scope)}
        group by 1, 2, 3
      ) w
      left join users u on u.id = w.user_id
      group by 1, 2`),
  ]);
  const teamRows = rowsOf<{ id: string; name: string; region: string | null; size: number }>(teamResult);
  const weekRows = rowsOf<{ team_id: string; week: string; active: number; views: number }>(weekResult);
  const active = new Map(weekRows.map((r) => [`${r.team_id} ${r.week}`, num(r.active)]));
  const views = new Map<string, number>();
  for (const r of weekRows) views.set(r.team_id, (views.get(r.team_id) ?? 0) + num(r.views));
  const teams: TeamAdoption[] = teamRows.map((t) => {
    const size = num(t.size);
    const w = weeks.map(({ week }) => {
      const a = active.get(`${t.id} ${week}`) ?? 0;
      return { week, active: a, rate: size ? round(a / size) : 0 };
    });
    return {
      teamId: t.id,
      team: t.name,
      region: t.region,
      size,
      weeks: w,
      avgRate: w.length ? round(w.reduce((s, x) => s + x.rate, 0) / w.length) : 0,
      views: views.get(t.id) ?? 0,
    };
  });
  const totalSize = teams.reduce((s, t) => s + t.size, 0);
  const overall = weeks.map(({ week }, i) => {
    const a = teams.reduce((s, t) => s + t.weeks[i].active, 0);
    return { week, active: a, size: totalSize, rate: totalSize ? round(a / totalSize) : 0 };
  });
  const regions = new Map<string, { region: string; views: number; active: number; size: number }>();
  for (const t of teams) {
    const key = t.region ?? "No region";
    const r = regions.get(key) ?? { region: key, views: 0, active: 0, size: 0 };
    r.views += t.views;
    r.size += t.size;
    r.active += t.weeks.reduce((m, w) => Math.max(m, w.active), 0);
    regions.set(key, r);
  }
  return { teams, overall, regions: [...regions.values()].sort((a, b) => b.views - a.views || a.region.localeCompare(b.region)) };
}

export type QuadrantPoint = { itemId: string; title: string; views: number; score: number; ratings: number; quadrant: Quadrant };
export type Quadrant = "star" | "fix" | "hidden_gem" | "retire";
export const QUADRANT_LABEL: Record<Quadrant, string> = {
  star: "Used and useful: keep",
  fix: "Used but not useful: improve",
  hidden_gem: "Useful but little used: promote",
  retire: "Little used, not useful: retire",
};

/**
 * Usage × usefulness for rated items. Splits at the median views and the median fair score of the
 * plotted items, so the quadrants compare items with each other rather than with an arbitrary bar.
 */
export function effectivenessQuadrant(rows: ItemInsight[]): { points: QuadrantPoint[]; splitViews: number; splitScore: number } {
  const rated = rows.filter((r) => r.useful + r.notUseful > 0);
  const splitViews = median(rated.map((r) => r.views)) ?? 0;
  const splitScore = median(rated.map((r) => r.score)) ?? 0;
  return {
    splitViews,
    splitScore,
    points: rated.map((r) => {
      const used = r.views >= splitViews;
      const useful = r.score >= splitScore;
      return {
        itemId: r.itemId,
        title: r.title,
        views: r.views,
        score: r.score,
        ratings: r.useful + r.notUseful,
        quadrant: used ? (useful ? "star" : "fix") : useful ? "hidden_gem" : "retire",
      };
    }),
  };
}

/** Top and bottom content for the scope: most viewed, and the least-viewed items it could have used. */
export async function topAndBottom(
  db: Db,
  {
    user,
    range,
    teamId,
    limit = 5,
    items,
  }: { user: SessionUser; range: DayRange; teamId?: string | null; limit?: number; /** Already loaded for the same scope and range. */ items?: ItemInsight[] },
): Promise<{ top: ItemInsight[]; bottom: { itemId: string; title: string; type: string; views: number }[] }> {
  const scope = insightScope(user, teamId);
  const used = items ?? (await itemInsights(db, { user, range, teamId }));
  const top = used.filter((r) => r.views > 0).slice(0, limit);
  // Only items the scope's teams can see: an item for another audience is not "unused" by this team.
  const audience =
    scope.teamIds === null
      ? sql`true`
      : sql`(not exists (select 1 from item_audiences a where a.item_id = i.id)
            or exists (select 1 from item_audiences a where a.item_id = i.id and ${inTeams("a.team_id", scope)}))`;
  const bottom = rowsOf<{ itemId: string; title: string; type: string; views: number }>(
    await db.execute(sql`
      select i.id as "itemId", i.title, i.type, coalesce(sum(u.views), 0)::int as views
      from items i left join ${usageTable(scope)} u on u.item_id = i.id
        and u.day between ${range.from}::date and ${range.to}::date and ${inTeams("u.team_id", scope)}
      where i.status = 'published' and ${audience}
      group by i.id, i.title, i.type order by views, i.title limit ${limit}`),
  );
  return { top, bottom: bottom.map((b) => ({ ...b, views: num(b.views) })) };
}

export type AlignmentKpis = {
  range: DayRange;
  activeSellers: number;
  sellers: number;
  /** Distinct items each active seller used, on average. */
  contentPerSeller: number | null;
  ratings: number;
  /** Share of latest ratings that said "useful". */
  usefulShare: number | null;
  gapsOpened: number;
  gapsClosed: number;
  zeroResultSearches: number;
  /** Median days from a request to the content that answered it (requests done in the range). */
  medianDaysToContent: number | null;
};

/** The shared KPIs marketing and sales leaders read on one page, computed one way for both. */
export async function alignmentKpis(
  db: Db,
  { user, range, teamId }: { user: SessionUser; range: DayRange; teamId?: string | null },
): Promise<AlignmentKpis> {
  const scope = insightScope(user, teamId);
  const [usage] = rowsOf<{ active: number; pairs: number }>(
    // NOTE: distinct pairs, then per seller, by hash aggregates: count(distinct) sorts, 3-4× slower here.
    await db.execute(sql`
      select count(*)::int as active, coalesce(sum(x.items), 0)::int as pairs from (
        select p.user_id, count(*) as items from (
          select user_id, item_id from item_seller_daily
          where day between ${range.from}::date and ${range.to}::date and ${inTeams("team_id", scope)}
          group by user_id, item_id
        ) p group by p.user_id
      ) x join users u on u.id = x.user_id and u.role = 'seller'`),
  );
  const [sellers] = rowsOf<{ n: number }>(
    await db.execute(sql`select count(*)::int as n from users where role = 'seller' and active and ${inTeams("team_id", scope)}`),
  );
  const [rated] = rowsOf<{ yes: number; total: number }>(
    await db.execute(sql`
      select count(*) filter (where useful)::int as yes, count(*)::int as total from (
        select distinct on (item_id, user_id) useful from ratings
        where at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}
        order by item_id, user_id, at desc) l`),
  );
  const [requests] = rowsOf<{ opened: number; closed: number }>(
    await db.execute(sql`
      select count(*) filter (where created_at >= ${utcStart(range.from)} and created_at < ${utcEnd(range.to)})::int as opened,
             count(*) filter (where status = 'done' and closed_at >= ${utcStart(range.from)} and closed_at < ${utcEnd(range.to)})::int as closed
      from content_requests where ${inTeams("team_id", scope)}`),
  );
  const durations = rowsOf<{ days: number }>(
    await db.execute(sql`
      select extract(epoch from closed_at - created_at)::float8 / 86400 as days from content_requests
      where status = 'done' and closed_at >= ${utcStart(range.from)} and closed_at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}`),
  );
  const [zero] = rowsOf<{ n: number }>(
    await db.execute(sql`
      select count(*)::int as n from search_queries
      where result_count = 0 and at >= ${utcStart(range.from)} and at < ${utcEnd(range.to)} and ${inTeams("team_id", scope)}`),
  );
  const active = num(usage.active);
  const medianDays = median(durations.map((d) => num(d.days)));
  return {
    range,
    activeSellers: active,
    sellers: num(sellers.n),
    contentPerSeller: active ? round(num(usage.pairs) / active, 2) : null,
    ratings: num(rated.total),
    usefulShare: num(rated.total) ? round(num(rated.yes) / num(rated.total)) : null,
    gapsOpened: num(requests.opened),
    gapsClosed: num(requests.closed),
    zeroResultSearches: num(zero.n),
    medianDaysToContent: medianDays === null ? null : round(medianDays, 1),
  };
}

/** Teams the user may filter by (for the filter's options). */
export async function scopeTeams(db: Db, { user }: { user: SessionUser }): Promise<{ id: string; name: string }[]> {
  const scope = insightScope(user);
  return rowsOf<{ id: string; name: string }>(
    await db.execute(sql`select id, name from teams where ${inTeams("id", scope)} order by name`),
  );
}
