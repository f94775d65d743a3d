// The scale seed (`npm run db:seed -- --scale 10000`): on top of the demo seed, N more items in every
// status and type, their tags, audiences and history, 100 events per item through the rollups, and the
// ratings, replies and requests a busy library collects — enough to see which desk screens hold.
// Everything is generated in SQL (generate_series) with ids derived from a label (md5), so it is fast,
// deterministic and safe to run twice: a second run adds nothing.
import { sql } from "drizzle-orm";
import { rebuildRollups } from "@/db/usage-rollups";
import { type Db, rowsOf } from "@/db/client";
import { ITEM_TYPES, MESSAGING_TYPES } from "@/vocabulary/library";
import { DEMO_INTERNAL_TYPES } from "./seed.server";

export type ScaleOptions = {
  items: number;
  /** Raw usage events; default 100 per item (1 M for 10,000 items). */
  events?: number;
  now?: Date;
};

export type ScaleResult = { items: number; events: number; ratings: number; requests: number; skipped: boolean };

const MARKETERS = 8;
const SELLERS = 200;
const DAYS = 90;

/** Words the generated titles are made of, so the library's text search has something to find. */
const PRODUCTS = ["Atlas", "Beacon", "Compass", "Delta", "Ember", "Fjord", "Granite", "Harbor"];
const TOPICS = ["pricing", "security", "onboarding", "ROI", "integration", "migration", "compliance", "roadmap", "support", "analytics"];
const KINDS = ["overview", "playbook", "case study", "FAQ", "comparison", "brief", "checklist", "one-pager", "talk track", "guide"];

const arr = (values: readonly string[]) => sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]::text[]`);

/**
 * Status of generated item i (out of 50): 40 published, 4 draft, 3 in review, 3 archived. Kept in SQL
 * so every statement below agrees on it.
 */
const statusOf = (i: ReturnType<typeof sql.raw>) =>
  sql`case when ${i} % 50 < 40 then 'published' when ${i} % 50 < 44 then 'draft' when ${i} % 50 < 47 then 'in_review' else 'archived' end`;

// Collateral opens like the demo's: each generated deck, document, one-pager, spreadsheet and image
// carries the file of a demo item of its type (one with previews where there is one) and its previews.
// Files are stored by content, so nothing is copied; the text stays the generated one, so search finds
// what the title says. Videos get a link. Without the demo's files (a seed without storage, or previews
// not drawn yet) the versions stay without a file, as before.
async function attachDemoCollateral(tx: Db, n: number) {
  await tx.execute(sql`
    with src as (
      select distinct on (i.type) i.type, v.*
      from items i join item_versions v on v.item_id = i.id
      where v.file_key is not null and v.preview_status in ('ready', 'none')
        and i.id not in (select md5('scale-item-' || g)::uuid from generate_series(0, ${n - 1}) g)
      order by i.type, v.preview_status = 'ready' desc, i.title, v.number desc)
    update item_versions v set file_key = src.file_key, content_hash = src.content_hash, filename = src.filename,
      mime = src.mime, size = src.size, page_count = src.page_count, preview_status = src.preview_status,
      previews = src.previews, placeholder = src.placeholder
    from items it, src
    where v.id in (select md5('scale-version-' || g)::uuid from generate_series(0, ${n - 1}) g)
      and it.id = v.item_id and src.type = it.type`);
  await tx.execute(sql`
    update items set video_url = 'https://video.example.com/fieldkit-demo/scale-' || i
    from generate_series(0, ${n - 1}) i where id = md5('scale-item-' || i)::uuid and type = 'video'`);
}

/** Requires the demo seed (its accounts, teams and tags). Returns what was added. */
export async function seedScale(db: Db, { items: n, events = n * 100, now = new Date() }: ScaleOptions): Promise<ScaleResult> {
  if (!Number.isInteger(n) || n < 1) throw new Error("--scale needs a whole number of items, e.g. --scale 10000");
  const [state] = rowsOf<{ demo: number; done: number }>(
    await db.execute(sql`select
      (select count(*) from users where email = 'marketer@demo.test')::int as demo,
      (select count(*) from items where id = md5('scale-item-0')::uuid)::int as done`),
  );
  if (state.demo === 0) throw new Error("The scale seed goes on top of the demo seed: run it on a database seeded with the demo library.");
  if (state.done > 0) return { items: 0, events: 0, ratings: 0, requests: 0, skipped: true };
  const at = now.toISOString();
  const i = sql.raw("i");

  await db.transaction(async (tx) => {
    // Marketers who own the items, sellers who use them (spread over the demo teams).
    await tx.execute(sql`
      insert into users (id, email, name, role, team_id, password_hash)
      select md5('scale-marketer-' || m)::uuid, 'marketer' || m || '@scale.test', 'Marketer ' || m, 'marketer', null,
             (select password_hash from users where email = 'marketer@demo.test')
      from generate_series(1, ${MARKETERS}) m`);
    await tx.execute(sql`
      insert into users (id, email, name, role, team_id, password_hash)
      select md5('scale-seller-' || s)::uuid, 'seller' || s || '@scale.test', 'Seller ' || s, 'seller',
             (select id from teams order by name offset (s % (select count(*) from teams)) limit 1),
             (select password_hash from users where email = 'seller@demo.test')
      from generate_series(0, ${SELLERS - 1}) s`);

    await tx.execute(sql`
      insert into items (id, type, title, summary, status, owner_id, expires_at, verify_interval_days, verified_at,
                         published_at, created_at, updated_at, problem, not_for_buyers)
      select md5('scale-item-' || i)::uuid,
        (${arr(ITEM_TYPES)})[1 + i % ${ITEM_TYPES.length}],
        (${arr(PRODUCTS)})[1 + i % ${PRODUCTS.length}] || ' ' || (${arr(TOPICS)})[1 + (i / 8) % ${TOPICS.length}] || ' '
          || (${arr(KINDS)})[1 + (i / 80) % ${KINDS.length}] || ' #' || i,
        'How ' || (${arr(PRODUCTS)})[1 + i % ${PRODUCTS.length}] || ' handles ' || (${arr(TOPICS)})[1 + (i / 8) % ${TOPICS.length}]
          || ', for sellers who need it in a meeting.',
        ${statusOf(i)},
        case when i % 9 = 0 then (select id from users where email = 'marketer@demo.test') else md5('scale-marketer-' || (1 + i % ${MARKETERS}))::uuid end,
        case when i % 10 = 3 then ${at}::timestamptz + ((i % 120) - 20) * interval '1 day' end,
        90, ${at}::timestamptz - (i % 150) * interval '1 day',
        case when ${statusOf(i)} in ('published', 'archived') then ${at}::timestamptz - (i % 365) * interval '1 day' end,
        ${at}::timestamptz - (i % 365) * interval '1 day' - interval '1 day',
        ${at}::timestamptz - (i % 365) * interval '1 day' + (i % 1440) * interval '1 minute',
        case when i % 500 = 41 then 'The PDF is password-protected.' end,
        (${arr(ITEM_TYPES)})[1 + i % ${ITEM_TYPES.length}] = any(${arr(DEMO_INTERNAL_TYPES)})
      from generate_series(0, ${n - 1}) i`);
    await tx.execute(sql`
      insert into item_versions (id, item_id, number, changelog, text, body_md, created_by, created_at)
      select md5('scale-version-' || i)::uuid, md5('scale-item-' || i)::uuid, 1, 'First version', it.title || '. ' || it.summary,
             case when it.type = any(${arr(MESSAGING_TYPES)}) then '## ' || it.title || E'\n\n' || it.summary end,
             it.owner_id, it.created_at
      from generate_series(0, ${n - 1}) i join items it on it.id = md5('scale-item-' || i)::uuid`);
    await attachDemoCollateral(tx, n);
    // Two tags from different facets per item, and one in twenty items for one team only.
    await tx.execute(sql`
      with t as (select array_agg(id order by facet, value) as ids, count(*)::int as k from tags)
      insert into item_tags (item_id, tag_id)
      select distinct md5('scale-item-' || i)::uuid, t.ids[1 + (i * j * 7 + j) % t.k]
      from generate_series(0, ${n - 1}) i, generate_series(1, 2) j, t`);
    await tx.execute(sql`
      insert into item_audiences (item_id, team_id)
      select md5('scale-item-' || i)::uuid, (select id from teams order by name offset (i / 20) % (select count(*) from teams) limit 1)
      from generate_series(0, ${n - 1}) i where i % 20 = 7`);
    // History: created as a draft; what is in review was submitted by its owner (the review queue reads it).
    await tx.execute(sql`
      insert into item_transitions (item_id, from_status, to_status, actor_id, comment, at)
      select it.id, null, 'draft', it.owner_id, 'Generated by the scale seed', it.created_at
      from generate_series(0, ${n - 1}) i join items it on it.id = md5('scale-item-' || i)::uuid
      union all
      select it.id, 'draft', it.status, it.owner_id, null, it.updated_at
      from generate_series(0, ${n - 1}) i join items it on it.id = md5('scale-item-' || i)::uuid where it.status <> 'draft'`);

    // Usage: a seller's visit to an item is four events (view, dwell…) on one day; who, what and which
    // day are independent hashes of the visit, and a few items draw most visits (the square skews the
    // pick), as in a real library. NOTE: arithmetic on the event number alone (an earlier version) tied
    // each item to one seller and nine days, which made the rollups a tenth of their real size.
    const published = sql`(select array_agg(id order by id) from items where id in (
      select md5('scale-item-' || i)::uuid from generate_series(0, ${n - 1}) i) and status = 'published')`;
    const unit = (x: ReturnType<typeof sql.raw>) => sql`((hashint8(${x})::bigint + 2147483648) / 4294967296.0)`;
    const CHUNK = 500_000;
    for (let from = 0; from < events; from += CHUNK) {
      const to = Math.min(events, from + CHUNK) - 1;
      await tx.execute(sql`
        with p as (select ${published} as ids),
        sellers as (select s, md5('scale-seller-' || s)::uuid as id, u.team_id from generate_series(0, ${SELLERS - 1}) s
                    join users u on u.id = md5('scale-seller-' || s)::uuid)
        insert into events (at, id, user_id, team_id, item_id, type, props, field, received_at)
        select ts, md5('scale-event-' || g)::uuid, sellers.id, sellers.team_id,
               p.ids[1 + floor(cardinality(p.ids) * pick * pick)::int],
               case when g % 10 < 6 then 'view' when g % 10 < 9 then 'dwell' else 'share' end,
               case when g % 10 between 6 and 8 then jsonb_build_object('ms', 1000 + g % 60000) else '{}'::jsonb end,
               true, ts
        from p, (select g, floor(${SELLERS} * ${unit(sql.raw("g / 4"))})::int as seller, ${unit(sql.raw("g / 4 + 1000000000000"))} as pick,
                        ${at}::timestamptz - floor(${DAYS} * ${unit(sql.raw("g / 4 + 2000000000000"))}) * interval '1 day'
                          - (g % 36000) * interval '1 second' as ts
                 from generate_series(${from}::bigint, ${to}::bigint) g) x
        join sellers on sellers.s = x.seller`);
    }

    // Ratings: one per (item, seller) pair, half the items; a third say "no" or leave a comment.
    const ratingCount = Math.ceil(n / 2);
    await tx.execute(sql`
      insert into ratings (id, item_id, version_id, user_id, team_id, useful, reasons, comment, at, resolved_at, resolved_by)
      select md5('scale-rating-' || j)::uuid, it.id, md5('scale-version-' || ((j * 13) % ${n}))::uuid, u.id, u.team_id,
        j % 3 <> 0,
        case when j % 3 = 0 then array[(array['outdated','wrong_audience','too_long','missing_proof_point','hard_to_find'])[1 + j % 5]]
             else case when j % 4 = 1 then array['clear_and_concise'] else '{}'::text[] end end,
        case when j % 3 = 0 or j % 7 = 0 then 'Comment ' || j || ': ' || (array['pricing slide is out of date', 'needs a retail proof point',
          'too long for a first meeting', 'used it in a call, worked well', 'competitor section misses their new release'])[1 + j % 5] end,
        ${at}::timestamptz - (j % ${DAYS}) * interval '1 day' - (j % 600) * interval '1 minute',
        case when j % 5 = 0 then least(${at}::timestamptz, ${at}::timestamptz - (j % ${DAYS}) * interval '1 day' + interval '1 day') end,
        case when j % 5 = 0 then it.owner_id end
      from generate_series(0, ${ratingCount - 1}) j
      join items it on it.id = md5('scale-item-' || ((j * 13) % ${n}))::uuid and it.status = 'published'
      join users u on u.id = md5('scale-seller-' || (j % ${SELLERS}))::uuid
      on conflict do nothing`);
    // Marketing answered some of them.
    await tx.execute(sql`
      insert into feedback_replies (rating_id, recipient_id, author_id, body, at)
      select r.id, r.user_id, (select id from users where email = 'marketer@demo.test'), 'Thanks, we are on it.', r.at + interval '2 hours'
      from ratings r where r.id in (select md5('scale-rating-' || j)::uuid from generate_series(0, ${ratingCount - 1}) j where j % 4 = 2)`);
    await tx.execute(sql`
      insert into content_requests (id, user_id, team_id, text, query, query_norm, status, created_at, updated_at, closed_at)
      select md5('scale-request-' || k)::uuid, u.id, u.team_id,
        'Need a ' || (${arr(TOPICS)})[1 + k % ${TOPICS.length}] || ' piece for ' || (${arr(PRODUCTS)})[1 + k % ${PRODUCTS.length}] || ' (' || k || ')',
        case when k % 2 = 0 then (${arr(TOPICS)})[1 + k % ${TOPICS.length}] end,
        case when k % 2 = 0 then lower((${arr(TOPICS)})[1 + k % ${TOPICS.length}]) end,
        (array['new','new','planned','declined'])[1 + k % 4],
        ${at}::timestamptz - (k % ${DAYS}) * interval '1 day', ${at}::timestamptz - (k % ${DAYS}) * interval '1 day',
        case when k % 4 = 3 then ${at}::timestamptz - (k % 30) * interval '1 day' end
      from generate_series(0, ${Math.ceil(n / 20) - 1}) k join users u on u.id = md5('scale-seller-' || (k % ${SELLERS}))::uuid`);
  });
  // Outside the transaction: the rebuild opens its own, and PGlite has a single connection.
  await rebuildRollups(db);
  await db.execute(sql`analyze`);
  const [counts] = rowsOf<{ items: number; events: number; ratings: number; requests: number }>(
    await db.execute(sql`select
      (select count(*) from items where title like '% #%')::int as items,
      (select count(*) from events where user_id in (select md5('scale-seller-' || s)::uuid from generate_series(0, ${SELLERS - 1}) s))::int as events,
      (select count(*) from ratings where id in (select md5('scale-rating-' || j)::uuid from generate_series(0, ${Math.ceil(n / 2) - 1}) j))::int as ratings,
      (select count(*) from content_requests where text like 'Need a %')::int as requests`),
  );
  return { ...counts, skipped: false };
}
