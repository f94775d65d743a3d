// Migration 0008 on a database that already holds a library: existing battle cards become internal-only
// ("not for buyers"), everything else stays shareable, and the share tables start empty.
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { rowsOf } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { createTestDatabase } from "../setup/databases";
import { migrationsBefore } from "../setup/migrations";

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
