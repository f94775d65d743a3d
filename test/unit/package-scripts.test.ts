// The README's commands are package.json scripts; a script naming a file that moved breaks
// `npm start` on a fresh machine while every other test stays green.
import { existsSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";

const scripts: Record<string, string> = JSON.parse(readFileSync("package.json", "utf8")).scripts;

it.each(Object.entries(scripts).filter(([, cmd]) => /\btsx\s/.test(cmd)))("%s runs a file that exists", (_name, cmd) => {
  const files = [...cmd.matchAll(/\btsx\s+(\S+\.tsx?)/g)].map((m) => m[1]);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) expect(existsSync(file), file).toBe(true);
});

it("has the commands the README and CONTRACT.md promise", () => {
  for (const name of ["start", "test", "bench", "db:migrate", "search:reindex", "import", "db:backup", "db:restore"]) {
    expect(scripts[name], name).toBeTruthy();
  }
});
