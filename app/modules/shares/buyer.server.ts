// The buyer's side of a share: no account, only the token. A token that is unknown, expired or revoked
// gets exactly the same answer, so probing learns nothing. Every item is checked again on each request
// against the seller's *current* audience and the item's state, so an archived, expired, internal-only
// or no-longer-visible item disappears from the link at once.
import { and, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Db } from "@/db/client";
import { itemVersions, items, shareEvents, shareItems, sharePageReads, shareViewers, shares, type PreviewInfo } from "@/db/schema";
import { renderMarkdown } from "@/content/markdown";
import { KIND_INFO } from "@/content/sniff";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { EventRateLimiter } from "~/modules/usage/rate-limit.server";
import { requireServices } from "~/modules/library/publisher.server";
import type { FileRead } from "~/modules/library/versions.server";
import { TOKEN_RE, shareableWhere } from "./shares.server";
import { MAX_SHARE_POSITIONS, SHARE_EVENT_TYPES } from "@/vocabulary/shares";
import { UUID_PATTERN } from "@/vocabulary/ids";
import { shareOpenedNoticeCtes } from "~/modules/notifications/producers.server";

export const UNAVAILABLE_MESSAGE =
  "This link is not available. It may have expired or been withdrawn — ask the person who sent it for a new one.";
const unavailable = () => new AppError("not_found", UNAVAILABLE_MESSAGE);

export type BuyerItem = {
  position: number;
  available: boolean;
  title: string;
  type: string;
  summary: string;
  pageCount: number | null;
  /** Page or image previews (n = 0 for an image) with their widths. */
  previews: { n: number; widths: { width: number; height: number }[] }[];
  placeholder: string | null;
  html: string | null;
  videoUrl: string | null;
  mime: string | null;
  filename: string | null;
  hasFile: boolean;
};

export type BuyerShare = {
  id: string;
  token: string;
  sellerName: string;
  /** Shown to the buyer as the way to answer: the link came from this person. */
  sellerEmail: string;
  recipientName: string | null;
  note: string | null;
  allowDownload: boolean;
  requireEmail: boolean;
  expiresAt: Date;
  items: BuyerItem[];
};

type ShareOwnerRow = {
  id: string;
  token: string;
  allow_download: boolean;
  require_email: boolean;
  recipient_name: string | null;
  note: string | null;
  expires_at: Date | string;
  user_id: string;
  name: string;
  email: string;
  role: SessionUser["role"];
  team_id: string | null;
  leads: string[] | null;
  active: boolean;
};

/** The live share and its seller as a SessionUser (their audience decides what the link may show). */
async function liveShare(db: Db, token: string, now: Date) {
  if (!TOKEN_RE.test(token)) throw unavailable();
  const [row] = rowsOf<ShareOwnerRow>(
    await db.execute(sql`
      select s.id, s.token, s.allow_download, s.require_email, s.recipient_name, s.note, s.expires_at, s.user_id,
             u.name, u.email, u.role, u.team_id, u.active,
             (select array_agg(l.team_id) from team_leads l where l.user_id = u.id) as leads
      from ${shares} s join users u on u.id = s.user_id
      where s.token = ${token} and s.revoked_at is null and s.expires_at > ${now.toISOString()}::timestamptz`),
  );
  // A deactivated seller's links stop working with their account.
  if (!row || !row.active) throw unavailable();
  const seller: SessionUser = {
    id: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    teamId: row.team_id,
    leadsTeamIds: (row.leads ?? []).map(String),
  };
  return { row, seller };
}

/** Everything the buyer's page shows; unavailable items keep their place with only a title-less notice. */
export async function loadBuyerShare(db: Db, token: string, now = new Date()): Promise<BuyerShare> {
  const { row, seller } = await liveShare(db, token, now);
  const rows = await db
    .select({
      position: sql<number>`si.position`,
      available: sql<boolean>`(${shareableWhere(seller, now)})`,
      title: items.title,
      type: items.type,
      summary: items.summary,
      videoUrl: items.videoUrl,
      version: itemVersions,
    })
    .from(sql`share_items si`)
    .innerJoin(items, sql`${items.id} = si.item_id`)
    .leftJoin(
      itemVersions,
      sql`${itemVersions.id} = (select v.id from item_versions v where v.item_id = si.item_id order by v.number desc limit 1)`,
    )
    .where(sql`si.share_id = ${row.id} and si.removed_at is null`)
    .orderBy(sql`si.position`);
  return {
    id: row.id,
    token: row.token,
    sellerName: seller.name,
    sellerEmail: seller.email,
    recipientName: row.recipient_name,
    note: row.note,
    allowDownload: row.allow_download,
    requireEmail: row.require_email,
    expiresAt: new Date(row.expires_at),
    items: rows.map((r) => {
      const v = r.available ? r.version : null;
      return {
        position: r.position,
        available: r.available,
        // Nothing about a withdrawn item reaches the buyer, not even its title.
        title: r.available ? r.title : "",
        type: r.available ? r.type : "",
        summary: r.available ? r.summary : "",
        pageCount: v?.pageCount ?? null,
        previews: (v?.previews ?? []).map((p: PreviewInfo) => ({
          n: p.n,
          widths: p.widths.map(({ width, height }) => ({ width, height })),
        })),
        placeholder: v?.placeholder ?? null,
        html: v?.bodyMd ? renderMarkdown(v.bodyMd) : null,
        videoUrl: r.available ? r.videoUrl : null,
        mime: v?.mime ?? null,
        filename: v?.filename ?? null,
        hasFile: !!v?.fileKey,
      };
    }),
  };
}

/** The one available item at `position` with its current version's storage keys. */
async function buyerVersion(db: Db, token: string, position: number, now: Date, emailGiven: boolean) {
  const { row, seller } = await liveShare(db, token, now);
  // Behind the email gate, the pages and the file are as closed as the page itself.
  if (row.require_email && !emailGiven) throw unavailable();
  const [found] = await db
    .select({ version: itemVersions })
    .from(sql`share_items si`)
    .innerJoin(items, sql`${items.id} = si.item_id`)
    .innerJoin(
      itemVersions,
      sql`${itemVersions.id} = (select v.id from item_versions v where v.item_id = si.item_id order by v.number desc limit 1)`,
    )
    .where(and(sql`si.share_id = ${row.id} and si.position = ${position} and si.removed_at is null`, shareableWhere(seller, now)));
  if (!found) throw unavailable();
  return { share: row, version: found.version };
}

export async function openBuyerPreview(
  app: AppContext,
  {
    token,
    position,
    n,
    width,
    emailGiven,
    now = new Date(),
  }: { token: string; position: number; n: number; width?: number; emailGiven: boolean; now?: Date },
): Promise<FileRead> {
  const { storage } = requireServices(app);
  const { version } = await buyerVersion(app.db, token, position, now, emailGiven);
  const preview = version.previews.find((p) => p.n === n);
  if (!preview) throw unavailable();
  const sorted = [...preview.widths].sort((a, b) => a.width - b.width);
  const chosen = (width && sorted.find((w) => w.width >= width)) || sorted[sorted.length - 1];
  const size = await storage.size(chosen.key);
  if (size === null) throw unavailable();
  return {
    open: (range) => storage.stream(chosen.key, range),
    size,
    mime: "image/webp",
    filename: null,
    etag: `"${chosen.key}"`,
    inline: true,
  };
}

/**
 * The original file: as a download when the seller allowed downloads; a video also plays in place
 * without that (a player needs the bytes), everything else is refused.
 */
export async function openBuyerFile(
  app: AppContext,
  { token, position, emailGiven, now = new Date() }: { token: string; position: number; emailGiven: boolean; now?: Date },
): Promise<{ file: FileRead; download: boolean }> {
  const { storage } = requireServices(app);
  const { share, version } = await buyerVersion(app.db, token, position, now, emailGiven);
  const isVideo = version.mime === KIND_INFO.mp4.mime;
  if (!version.fileKey || (!share.allow_download && !isVideo)) throw unavailable();
  const size = await storage.size(version.fileKey);
  if (size === null) throw unavailable();
  const file: FileRead = {
    open: (range) => storage.stream(version.fileKey!, range),
    size,
    mime: version.mime ?? "application/octet-stream",
    filename: version.filename,
    etag: `"${version.fileKey}"`,
    inline: isVideo,
  };
  return { file, download: share.allow_download && !isVideo };
}

// ------------------------------------------------------------------------------------------------
// Engagement reported by the buyer's page

const uuid = z
  .string()
  .regex(UUID_PATTERN)
  .transform((s) => s.toLowerCase());
/** The most pages a buyer's page or its events may name: more than any document the pipeline accepts. */
export const MAX_PAGE = 10_000;
/** One heartbeat carries at most this much reading time: a page left open cannot claim an hour at once. */
export const MAX_PAGE_MS = 60_000;
export const BuyerEventsInput = z.object({
  viewer: uuid,
  // Pages loaded before the gate's cookie was the only source still send it: accepted, never believed.
  email: z.string().max(254).optional(),
  events: z
    .array(
      z.object({
        id: uuid,
        type: z.enum(SHARE_EVENT_TYPES),
        position: z.number().int().min(1).max(MAX_SHARE_POSITIONS).optional(),
        page: z.number().int().min(0).max(MAX_PAGE).optional(),
        ms: z.number().int().min(0).max(MAX_PAGE_MS).optional(),
      }),
    )
    .min(1)
    .max(50),
});

/**
 * Link-preview fetchers, chat unfurlers and mail scanners. Most never run script, so they never post;
 * the ones that do (headless scanners) are dropped here by their user agent.
 */
export const BOT_UA =
  /bot\b|crawler|spider|slurp|facebookexternalhit|embedly|quora link preview|outbrain|pinterest|vkshare|w3c_validator|whatsapp|slackbot|slack-imgproxy|discordbot|telegrambot|skypeuripreview|linkedinbot|bitlybot|google-?inspectiontool|headlesschrome|phantomjs|preview|safelinks|mimecast|proofpoint|barracuda|urldefense|python-requests|curl|wget|go-http-client|okhttp/i;
export const isBot = (ua: string | null) => !ua || BOT_UA.test(ua);

/**
 * One statement per post (the page sends ≤ 50 events), like seller ingest: find the live share and its
 * positions once, insert the events once by id, and add just the new ones to the rollups (reading time
 * per page, viewers, the share's counters and its first open, with the seller's notice), so engagement
 * views never sum raw events.
 */
export async function recordBuyerEvents(
  db: Db,
  {
    token,
    body,
    userAgent,
    email = null,
    now = new Date(),
  }: {
    token: string;
    body: unknown;
    userAgent: string | null;
    /** The address the email gate's signed cookie holds; anyone with the link could write one into the body. */
    email?: string | null;
    now?: Date;
  },
): Promise<{ accepted: number }> {
  const input = BuyerEventsInput.parse(body);
  if (!TOKEN_RE.test(token)) throw unavailable();
  // A bot gets the same answers as a browser (404 for a dead link), but nothing it sends is stored.
  if (isBot(userAgent)) {
    await liveShare(db, token, now);
    return { accepted: 0 };
  }
  // The page reports one open per load: more in one post are a forgery ("opened 50×"), not 50 buyers.
  const firstOpen = input.events.find((e) => e.type === "open");
  const events = input.events.filter((e) => e.type !== "open" || e === firstOpen);
  const rows = events.map((e) => ({
    id: e.id,
    type: e.type,
    position: e.type === "open" ? null : (e.position ?? null),
    page: e.type === "page" ? (e.page ?? 0) : null,
    ms: e.type === "page" ? (e.ms ?? 0) : 0,
    email: e.type === "open" ? email : null,
  }));
  const [result] = rowsOf<{ live: number; accepted: number }>(
    await db.execute(storeEvents(token, input.viewer, JSON.stringify(rows), email !== null, now)),
  );
  if (!result?.live) throw unavailable();
  return { accepted: result.accepted };
}

/**
 * NOTE: the share's counters and its first open are one UPDATE (a row changed twice in one statement
 * keeps only one change). Under concurrent posts it recomputes on the latest row, so "opens equal this
 * post's opens" holds for exactly one post, whose statement also writes the seller's notice. Viewers are
 * counted by inserting into `share_viewers`, whose key makes a second post of the same viewer wait and
 * then skip.
 */
function storeEvents(token: string, viewer: string, rows: string, gatePassed: boolean, now: Date) {
  const at = now.toISOString();
  return sql`
    with s as (
      -- The positions on the link (not those taken off), and each one's last page (its current version's
      -- page count; 0, the item itself, for an image or a video), in the same order: arrays, so each
      -- event's check is a look-up, not a scan.
      select s.id, s.allow_download, s.require_email,
        array(select si.position from ${shareItems} si where si.share_id = s.id and si.removed_at is null order by si.position) as positions,
        array(select coalesce((select v.page_count from item_versions v where v.item_id = si.item_id order by v.number desc limit 1), 0)
          from ${shareItems} si where si.share_id = s.id and si.removed_at is null order by si.position) as last_pages
      from ${shares} s join users u on u.id = s.user_id
      where s.token = ${token} and s.revoked_at is null and s.expires_at > ${at}::timestamptz and u.active
    ), ins as (
      insert into ${shareEvents} (id, share_id, viewer, type, position, page, ms, email, at)
      select r.id, s.id, ${viewer}::uuid, r.type, r.position, r.page, r.ms, r.email, ${at}::timestamptz
      from s cross join jsonb_to_recordset(${rows}::jsonb) as r(id uuid, type text, position int, page int, ms int, email text)
      -- A download only where the link offers one: the seller read "3 downloads" on a share without any.
      -- Nor reading time on a page the item does not have: "page 9,999 read" in marketing's figures.
      where (r.type = 'open' or (r.position = any(s.positions)
          and (r.type <> 'page' or r.page <= s.last_pages[array_position(s.positions, r.position)])))
        and (r.type <> 'download' or s.allow_download)
        -- Behind the email gate only the page shown after it reports: the gate's cookie comes with it.
        and (not s.require_email or ${gatePassed}::boolean)
      on conflict (id) do nothing
      returning type, position, page, ms
    ), counted as (
      select count(*) filter (where type = 'open')::int as opens, count(*) filter (where type = 'download')::int as downloads from ins
    ), reads as (
      insert into ${sharePageReads} (share_id, position, page, ms)
      select (select id from s), position, page, sum(ms) from ins where type = 'page' group by position, page order by position, page
      on conflict (share_id, position, page) do update set ms = ${sharePageReads}.ms + excluded.ms
    ), viewers as (
      insert into ${shareViewers} (share_id, viewer)
      select s.id, ${viewer}::uuid from s, counted where counted.opens > 0
      on conflict do nothing
      returning viewer
    ), bumped as (
      update ${shares} sh
      set opens = sh.opens + c.opens, downloads = sh.downloads + c.downloads,
          viewers = sh.viewers + (select count(*)::int from viewers),
          first_opened_at = coalesce(sh.first_opened_at, case when c.opens > 0 then ${at}::timestamptz end)
      from counted c
      where sh.id = (select id from s) and (c.opens > 0 or c.downloads > 0)
      returning sh.id, sh.user_id, sh.recipient_name, sh.recipient_email, c.opens > 0 and sh.opens = c.opens as first
    ),
    ${shareOpenedNoticeCtes(sql`select id, user_id, recipient_name, recipient_email from bumped where first`, now)}
    select (select count(*) from s)::int as live, (select count(*) from ins)::int as accepted`;
}

const pageLimiters = new WeakMap<object, { page: EventRateLimiter; events: EventRateLimiter }>();
/**
 * The buyer's page is public: per client address, 60 page loads at once then one a second; 600 tracking
 * events then 5 a second. Unknown tokens spend from the same bucket, which is what slows guessing.
 */
export function buyerLimiters(app: AppContext) {
  let l = pageLimiters.get(app.services);
  if (!l) {
    l = {
      page: new EventRateLimiter({ capacity: 60, refillPerSecond: 1 }),
      events: new EventRateLimiter({ capacity: 600, refillPerSecond: 5 }),
    };
    pageLimiters.set(app.services, l);
  }
  return l;
}

export function limitBuyer(app: AppContext, kind: "page" | "events", client: string, cost = 1) {
  const taken = buyerLimiters(app)[kind].take(client, cost);
  if (!taken.ok)
    throw new AppError("rate_limited", `Too many requests; try again in ${taken.retryAfterS} s.`, { retryAfterS: taken.retryAfterS });
}
