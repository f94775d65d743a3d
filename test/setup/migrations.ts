// Copies of the migrations folder as it was at an earlier point, for upgrade tests that migrate part of
// the way, write rows the old schema allowed, and then run the rest. Removed with the run's folder.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrationsFolder } from "@/db/migrate";
import { runTempDir } from "./tmp";

type Journal = { entries: { tag: string }[] };
const readJournal = () => JSON.parse(readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8")) as Journal;

/** The migrations folder as it was when `last` was the newest migration. */
export function migrationsUpTo(last: string): string {
  const journal = readJournal();
  const upTo = journal.entries.findIndex((e) => e.tag === last);
  if (upTo < 0) throw new Error(`no migration ${last}`);
  const dir = runTempDir("fieldkit-migrations-");
  mkdirSync(path.join(dir, "meta"));
  journal.entries = journal.entries.slice(0, upTo + 1);
  writeFileSync(path.join(dir, "meta/_journal.json"), JSON.stringify(journal));
  for (const { tag } of journal.entries) copyFileSync(path.join(migrationsFolder, `${tag}.sql`), path.join(dir, `${tag}.sql`));
  return dir;
}

/** The migrations folder as it was before `next` landed. */
export function migrationsBefore(next: string): string {
  const { entries } = readJournal();
  const at = entries.findIndex((e) => e.tag === next);
  if (at < 1) throw new Error(`no migration ${next}`);
  return migrationsUpTo(entries[at - 1].tag);
}
