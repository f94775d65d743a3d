// Demo usage and feedback: 60 days of views, ratings with comments, marketing's replies, requests and a
// search log, so every insight screen has something true-looking to show. Deterministic (seeded PRNG)
// and fast: batched inserts straight into the event table, then one rollup rebuild.
import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { rebuildRollups } from "@/db/usage-rollups";
import type { Db } from "@/db/client";
import { contentRequests, events, feedbackReplies, itemAudiences, itemVersions, items, ratings, searchQueries, users } from "@/db/schema";
import { type RatingReason } from "@/vocabulary/feedback";
import { normaliseQuery } from "@/search/query";

const DAY = 86_400_000;

/** mulberry32: tiny, fast, and the same sequence on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POSITIVE_COMMENTS = [
  "Used this in a discovery call, the customer asked for a copy.",
  "Exactly the proof point I needed for the CFO.",
  "Short and clear, my go-to before meetings.",
];
const NEGATIVE_COMMENTS = [
  "Pricing on page 3 is from last year.",
  "Too long to send to a first-time prospect.",
  "Needs a healthcare customer story.",
  "The competitor comparison misses their new release.",
];
const SEARCHES: { q: string; zero?: boolean }[] = [
  { q: "pricing sheet", zero: true },
  { q: "healthcare roi", zero: true },
  { q: "SOC 2 report", zero: true },
  { q: "northwind comparison" },
  { q: "atlas deck" },
  { q: "beacon case study" },
  { q: "compass offline" },
  { q: "objection price" },
];

export async function seedDemoFeedback(db: Db, { now = new Date() }: { now?: Date } = {}): Promise<void> {
  const rand = prng(20250101);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const people = await db
    .select({ id: users.id, email: users.email, role: users.role, teamId: users.teamId })
    .from(users)
    .where(inArray(users.role, ["seller", "manager"]));
  const [marketer] = await db.select({ id: users.id }).from(users).where(eq(users.email, "marketer@demo.test"));
  const library = await db
    .select({ id: items.id, title: items.title, publishedAt: items.publishedAt })
    .from(items)
    .where(eq(items.status, "published"))
    .orderBy(items.publishedAt, items.id);
  if (library.length === 0 || people.length === 0) return;
  const audiences = await db.select().from(itemAudiences);
  const versions = await db
    .select({ id: itemVersions.id, itemId: itemVersions.itemId })
    .from(itemVersions)
    .where(
      and(
        inArray(
          itemVersions.itemId,
          library.map((i) => i.id),
        ),
        eq(itemVersions.number, 1),
      ),
    );
  const versionOf = new Map(versions.map((v) => [v.itemId, v.id]));
  const visibleTo = (teamId: string | null) =>
    library.filter((i) => {
      const aud = audiences.filter((a) => a.itemId === i.id).map((a) => a.teamId);
      return aud.length === 0 || (teamId !== null && aud.includes(teamId));
    });
  // Popularity falls off with position (Zipf-like) and quality decides how often "useful" is said.
  const weight = new Map(library.map((item, i) => [item.id, 1 / (1 + (i % 17))]));
  const quality = new Map(library.map((item) => [item.id, 0.25 + rand() * 0.7]));
  // A few items stay untouched, so "unused" in library health has entries.
  const untouched = new Set(library.filter((_, i) => i % 9 === 4).map((i) => i.id));

  const rows: (typeof events.$inferInsert)[] = [];
  const viewed = new Map<string, { userId: string; teamId: string | null; itemId: string; at: Date }>();
  for (let d = 59; d >= 0; d--) {
    const dayStart = Math.floor(now.getTime() / DAY) * DAY - d * DAY;
    const weekday = new Date(dayStart).getUTCDay() % 6 !== 0;
    for (const person of people) {
      if (rand() > (weekday ? 0.55 : 0.12)) continue;
      const choices = visibleTo(person.teamId).filter((i) => !untouched.has(i.id) && (i.publishedAt?.getTime() ?? 0) <= dayStart + DAY);
      if (choices.length === 0) continue;
      const total = choices.reduce((s, i) => s + weight.get(i.id)!, 0);
      const n = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < n; k++) {
        let r = rand() * total;
        const item = choices.find((i) => (r -= weight.get(i.id)!) <= 0) ?? choices[0];
        const at = new Date(Math.min(now.getTime() - 60_000, dayStart + (8 + rand() * 10) * 3600_000));
        const base = { userId: person.id, teamId: person.teamId, itemId: item.id, field: true, receivedAt: at };
        rows.push({ ...base, id: randomUUID(), at, type: "view", props: { source: pick(["home", "search", "saved", "link"]) } });
        rows.push({
          ...base,
          id: randomUUID(),
          at: new Date(at.getTime() + 1000),
          type: "dwell",
          props: { ms: Math.round(15_000 + rand() * 240_000) },
        });
        if (rand() < 0.15)
          rows.push({ ...base, id: randomUUID(), at: new Date(at.getTime() + 2000), type: "share", props: { channel: "email" } });
        if (rand() < 0.1) rows.push({ ...base, id: randomUUID(), at: new Date(at.getTime() + 3000), type: "download", props: {} });
        viewed.set(`${person.id} ${item.id}`, { userId: person.id, teamId: person.teamId, itemId: item.id, at });
      }
    }
  }
  for (let i = 0; i < rows.length; i += 1000) await db.insert(events).values(rows.slice(i, i + 1000));
  await rebuildRollups(db);

  const ratingRows: (typeof ratings.$inferInsert)[] = [];
  for (const v of viewed.values()) {
    if (rand() > 0.45) continue;
    const useful = rand() < quality.get(v.itemId)!;
    const reasons: RatingReason[] = useful
      ? rand() < 0.5
        ? [pick(["won_the_meeting", "clear_and_concise"] as const)]
        : []
      : [pick(["outdated", "too_long", "missing_proof_point", "wrong_audience"] as const)];
    const comment = rand() < 0.3 ? pick(useful ? POSITIVE_COMMENTS : NEGATIVE_COMMENTS) : null;
    ratingRows.push({
      itemId: v.itemId,
      versionId: versionOf.get(v.itemId)!,
      userId: v.userId,
      teamId: v.teamId,
      useful,
      reasons,
      comment,
      at: new Date(Math.min(now.getTime() - 30_000, v.at.getTime() + 600_000)),
    });
  }
  const saved = ratingRows.length ? await db.insert(ratings).values(ratingRows).returning() : [];

  // Marketing has answered some of the criticism; the demo seller has one unread reply waiting.
  const seller = people.find((p) => p.email === "seller@demo.test");
  const critical = saved.filter((r) => !r.useful && r.comment);
  const sellersOwn = critical.find((r) => r.userId === seller?.id) ?? saved.find((r) => r.userId === seller?.id);
  if (marketer) {
    const answered = critical.filter((r) => r.id !== sellersOwn?.id).slice(0, 4);
    for (const [n, r] of answered.entries()) {
      await db.insert(feedbackReplies).values({
        ratingId: r.id,
        recipientId: r.userId,
        authorId: marketer.id,
        body: "Thanks, we're updating it and will let you know.",
        at: new Date(r.at.getTime() + DAY),
        readAt: new Date(r.at.getTime() + 2 * DAY),
      });
      if (n % 2 === 0)
        await db
          .update(ratings)
          .set({ resolvedAt: new Date(r.at.getTime() + 2 * DAY), resolvedBy: marketer.id })
          .where(eq(ratings.id, r.id));
    }
    if (sellersOwn) {
      await db.insert(feedbackReplies).values({
        ratingId: sellersOwn.id,
        recipientId: sellersOwn.userId,
        authorId: marketer.id,
        body: "Good catch. A refreshed version is on its way this week.",
        at: new Date(Math.min(now.getTime() - 3600_000, sellersOwn.at.getTime() + DAY)),
      });
    }
  }

  const requesters = people.filter((p) => p.role === "seller");
  await seedRequests(db, { now, seller, requesters, marketer, library });

  // A search log, so content gaps and "searches that led here" have data before anyone searches.
  const log: (typeof searchQueries.$inferInsert)[] = [];
  for (let i = 0; i < 240; i++) {
    const who = pick(requesters);
    const s = pick(SEARCHES);
    const clicked = !s.zero && rand() < 0.7 ? pick(visibleTo(who.teamId)) : null;
    log.push({
      userId: who.id,
      teamId: who.teamId,
      queryNorm: normaliseQuery(s.q),
      resultCount: s.zero ? 0 : 1 + Math.floor(rand() * 12),
      clickedItemId: clicked?.id ?? null,
      clickedPosition: clicked ? Math.floor(rand() * 3) : null,
      at: new Date(now.getTime() - Math.floor(rand() * 59 * DAY) - 3600_000),
    });
  }
  await db.insert(searchQueries).values(log);
}

type Person = { id: string; teamId: string | null };

/** Requests in every state, with the time it took to answer the done ones. */
async function seedRequests(
  db: Db,
  {
    now,
    seller,
    requesters,
    marketer,
    library,
  }: { now: Date; seller?: Person; requesters: Person[]; marketer?: { id: string }; library: { id: string }[] },
) {
  const requestSpecs = [
    { text: "A pricing sheet we can send after the first call", query: "pricing sheet", status: "planned", days: 20 },
    { text: "ROI story for a healthcare customer", query: "healthcare roi", status: "new", days: 6 },
    { text: "Our SOC 2 report summary for security reviews", query: "SOC 2 report", status: "new", days: 3 },
    { text: "Battle card for the newest Northwind release", query: null, status: "done", days: 40, took: 9 },
    { text: "One-pager for retail operations leads", query: null, status: "done", days: 25, took: 5 },
    { text: "Translated deck for the Nordics", query: null, status: "declined", days: 30, took: 2 },
  ] as const;
  for (const [n, spec] of requestSpecs.entries()) {
    const who = n === 0 && seller ? seller : requesters[n % requesters.length];
    const createdAt = new Date(now.getTime() - spec.days * DAY);
    const closedAt = "took" in spec ? new Date(createdAt.getTime() + spec.took * DAY) : null;
    const [req] = await db
      .insert(contentRequests)
      .values({
        userId: who.id,
        teamId: who.teamId,
        text: spec.text,
        query: spec.query,
        queryNorm: spec.query ? normaliseQuery(spec.query) || null : null,
        status: spec.status,
        answerItemId: spec.status === "done" ? library[n % library.length].id : null,
        createdAt,
        updatedAt: closedAt ?? createdAt,
        closedAt,
      })
      .returning();
    if (marketer && spec.status !== "new") {
      await db.insert(feedbackReplies).values({
        requestId: req.id,
        recipientId: who.id,
        authorId: marketer.id,
        body:
          spec.status === "planned"
            ? "On our list for this month."
            : spec.status === "done"
              ? "Here it is, linked above."
              : "Not planned this quarter, sorry.",
        at: closedAt ?? new Date(createdAt.getTime() + DAY),
        readAt: closedAt ?? new Date(createdAt.getTime() + DAY),
      });
    }
  }
}
