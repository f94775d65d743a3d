// Writing the engine's tables: documents with their weighted vectors, per-page text, and the lexicon.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { rowsOf } from "@/db/client";
import { searchDocuments, searchPages, searchTerms } from "@/db/schema";
import { cjkIndexText, hasCjk } from "@/vocabulary/cjk";
import { dictionaryWords, hasDictionaryScript } from "@/vocabulary/dictionary-words";
import { lexiconWords } from "../query";
import type { SearchDocument } from "../types";
import { TS_CONFIG, json, name, uuidSet } from "./sql";

const s = searchDocuments;
/** Columns an upsert writes, in the order of the insert's select list; all but item_id on conflict. */
const WRITTEN = [
  s.itemId,
  s.type,
  s.title,
  s.summary,
  s.tags,
  s.audience,
  s.expiresAt,
  s.publishedAt,
  s.usefulness,
  s.body,
  s.titleTsv,
  s.tsv,
  s.indexedAt,
];
const updates = sql.join(
  WRITTEN.slice(1).map((c) => sql`${name(c)} = excluded.${name(c)}`),
  sql`, `,
);

/** `onChanged(n)`: n documents written or removed (the bands go stale after enough of them). */
export function createIndexing(db: Db, onChanged: (n: number) => void) {
  async function index(docs: SearchDocument[]): Promise<void> {
    if (docs.length === 0) return;
    const ids = docs.map((doc) => doc.id);
    const pages = docs.flatMap((doc) =>
      doc.pages.map((page) => ({ item_id: doc.id, page: page.page, text: page.text, vector_text: vectorText(page.text) })),
    );
    const words = new Set<string>();
    for (const doc of docs) {
      for (const text of [doc.title, doc.summary, doc.tagLabels.join(" "), doc.body]) for (const w of lexiconWords(text)) words.add(w);
    }
    await db.transaction(async (tx) => {
      await tx.execute(upsertDocuments(docs));
      await tx.execute(sql`delete from ${searchPages} where ${searchPages.itemId} in ${uuidSet(ids)}`);
      if (pages.length) {
        await tx.execute(sql`
          insert into ${searchPages} (${name(searchPages.itemId)}, ${name(searchPages.page)}, ${name(searchPages.text)}, ${name(searchPages.tsv)})
          select x.item_id, x.page, x.text, to_tsvector(${TS_CONFIG}, coalesce(x.vector_text, x.text))
          from jsonb_to_recordset(${json(pages)}) as x(item_id uuid, page int, text text, vector_text text)`);
      }
      if (words.size) {
        await tx.execute(sql`
          insert into ${searchTerms} (${name(searchTerms.term)}) select t from jsonb_array_elements_text(${json([...words])}) t
          on conflict do nothing`);
      }
    });
    onChanged(docs.length);
  }

  async function remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await db.transaction(async (tx) => {
      await tx.execute(sql`delete from ${searchDocuments} where ${searchDocuments.itemId} in ${uuidSet(ids)}`);
      await tx.execute(sql`delete from ${searchPages} where ${searchPages.itemId} in ${uuidSet(ids)}`);
    });
    onChanged(ids.length);
  }

  /**
   * Upsert everything, then sweep what was not touched: documents exist throughout, so searches
   * never see an empty index (the Postgres equivalent of building a new index and swapping).
   */
  async function rebuild(batches: AsyncIterable<SearchDocument[]>): Promise<{ documents: number }> {
    const [{ start }] = rowsOf<{ start: string }>(await db.execute(sql`select now()::text as start`));
    let documents = 0;
    for await (const docs of batches) {
      await index(docs);
      documents += docs.length;
    }
    const p = searchPages;
    await db.transaction(async (tx) => {
      await tx.execute(sql`delete from ${s} where ${s.indexedAt} < ${start}::timestamptz`);
      await tx.execute(sql`delete from ${p} where not exists (select 1 from ${s} where ${s.itemId} = ${p.itemId})`);
    });
    return { documents };
  }

  return { index, remove, rebuild };
}

/**
 * The text a vector is made from, where it differs from the text itself: Chinese and Japanese runs as
 * the characters and pairs a query looks for (vocabulary/cjk.ts), Thai, Lao, Khmer and Burmese runs as
 * their dictionary words (vocabulary/dictionary-words.ts); null for every other text.
 */
const vectorText = (text: string) => (hasCjk(text) || hasDictionaryScript(text) ? cjkIndexText(dictionaryWords(text)) : null);

/** Title and tag labels make the small title vector; all four fields, weighted A–D, the full one. */
function upsertDocuments(docs: SearchDocument[]): SQL {
  const payload = docs.map((doc) => ({
    item_id: doc.id,
    type: doc.type,
    title: doc.title,
    summary: doc.summary,
    tags: doc.tags,
    audience: doc.audience,
    expires_at: doc.expiresAt === null ? null : new Date(doc.expiresAt).toISOString(),
    published_at: new Date(doc.publishedAt).toISOString(),
    usefulness: doc.usefulness,
    tag_labels: doc.tagLabels.join(" "),
    body: doc.body,
    vectors: [doc.title, doc.tagLabels.join(" "), doc.summary, doc.body].map(vectorText),
  }));
  const v = (field: SQL, i: number) => sql`to_tsvector(${TS_CONFIG}, coalesce(x.vectors->>${sql.raw(String(i))}, ${field}))`;
  return sql`
    insert into ${s} (${sql.join(WRITTEN.map(name), sql`, `)})
    select x.item_id, x.type, x.title, x.summary, x.tags, x.audience, x.expires_at, x.published_at, x.usefulness, x.body,
      setweight(${v(sql`x.title`, 0)}, 'A') || setweight(${v(sql`x.tag_labels`, 1)}, 'B'),
      setweight(${v(sql`x.title`, 0)}, 'A') || setweight(${v(sql`x.tag_labels`, 1)}, 'B')
        || setweight(${v(sql`x.summary`, 2)}, 'C') || setweight(${v(sql`x.body`, 3)}, 'D'),
      now()
    from jsonb_to_recordset(${json(payload)}) as x(item_id uuid, type text, title text, summary text, tags text[],
      audience uuid[], expires_at timestamptz, published_at timestamptz, usefulness real, tag_labels text, body text, vectors jsonb)
    on conflict (${name(s.itemId)}) do update set ${updates}`;
}
