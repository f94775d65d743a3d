// Migration 0008 on a database that already holds a library: existing battle cards become internal-only
// ("not for buyers"), everything else stays shareable, and the share tables start empty.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { migrateDb, migrationsFolder } from "@/db/migrate";
import { createTestDatabase } from "../setup/databases";

const folders: string[] = [];
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

/** The migrations folder as it was before `next` landed. */
function migrationsBefore(next: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fieldkit-migrations-"));
  folders.push(dir);
  mkdirSync(path.join(dir, "meta"));
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === next);
  if (at < 1) throw new Error(`no migration ${next}`);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify(journal));
  for (const { tag } of journal.entries) copyFileSync(path.join(migrationsFolder, `${tag}.sql`), path.join(dir, `${tag}.sql`));
  return dir;
}

it("marks existing battle cards not for buyers and leaves the rest shareable", async () => {
  const handle = await createTestDatabase({ migrated: false });
  try {
    await migrateDb(handle, migrationsBefore("0008_buyer_shares"));
    await handle.db.execute(
      sql`insert into items (type, title, status) values ('battle_card', 'Card', 'published'), ('deck', 'Deck', 'published')`,
    );
    await migrateDb(handle);
    const rows = rowsOf<{ title: string; not_for_buyers: boolean }>(
      await handle.db.execute(sql`select title, not_for_buyers from items order by title`),
    );
    expect(rows).toEqual([
      { title: "Card", not_for_buyers: true },
      { title: "Deck", not_for_buyers: false },
    ]);
    const [{ n }] = rowsOf<{ n: number }>(await handle.db.execute(sql`select count(*)::int as n from shares`));
    expect(n).toBe(0);
  } finally {
    await handle.close();
  }
});
