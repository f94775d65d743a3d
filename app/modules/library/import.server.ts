// Bulk import of an existing library from a folder: files listed in `manifest.csv` (or every file if
// there is none) plus Markdown messaging with front matter. Safe to re-run: anything whose content
// hash is already in the library is skipped, so an interrupted import is finished by running it again.
import { createReadStream } from "node:fs";
import { readFile, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { transitionItem } from "./lifecycle.server";
import { CreateTextInput, isMessagingType } from "./publishing-input.server";
import { createItemsFromUpload, createTextItem } from "./create-item.server";
import { requireServices } from "./publisher.server";
import { itemVersions, items, teams, users } from "@/db/schema";
import { safeFilename, sniffHead } from "@/content/sniff";
import { sha256, writeTempFile } from "@/content/storage";
import { ZodError } from "zod";

export type ImportRow = {
  file: string;
  title?: string;
  summary?: string;
  type?: string;
  tags: string[];
  audiences: string[];
  expiresAt?: string;
  verifyIntervalDays?: string;
  body?: string;
};

export type ImportOutcome =
  | { file: string; status: "created"; itemId: string; problem: string | null }
  | { file: string; status: "skipped"; reason: string }
  | { file: string; status: "failed"; reason: string };

/** RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      if (row.some((f) => f.trim() !== "")) rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== "")) rows.push(row);
  return rows;
}

const list = (v: string | undefined) =>
  (v ?? "")
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** `manifest.csv` with a header row: file,title,summary,type,tags,audiences,expires,verify_days. */
export function manifestRows(csv: string): ImportRow[] {
  const [header, ...rows] = parseCsv(csv);
  if (!header) return [];
  const cols = header.map((h) => h.trim().toLowerCase());
  if (!cols.includes("file")) throw new Error('manifest.csv needs a header row with a "file" column.');
  return rows.map((cells) => {
    const get = (name: string) => {
      const i = cols.indexOf(name);
      return i >= 0 ? cells[i]?.trim() || undefined : undefined;
    };
    return {
      file: get("file") ?? "",
      title: get("title"),
      summary: get("summary"),
      type: get("type"),
      tags: list(get("tags")),
      audiences: list(get("audiences")),
      expiresAt: get("expires") ?? get("expires_at"),
      verifyIntervalDays: get("verify_days") ?? get("verify_interval_days"),
    };
  });
}

/** Front matter: `key: value` lines between `---` fences; lists as `[a, b]` or `a; b`. */
export function parseFrontMatter(markdown: string): { meta: Record<string, string | string[]>; body: string } {
  const match = markdown.replace(/^\uFEFF/, "").match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/);
  if (!match) return { meta: {}, body: markdown };
  const meta: Record<string, string | string[]> = {};
  for (const line of match[1].split(/\r?\n/)) {
    const kv = line.match(/^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$/);
    if (!kv) continue;
    const raw = kv[2].replace(/^(["'])(.*)\1$/, "$2");
    meta[kv[1].toLowerCase()] =
      raw.startsWith("[") && raw.endsWith("]")
        ? raw
            .slice(1, -1)
            .split(",")
            .map((s) => s.trim().replace(/^(["'])(.*)\1$/, "$2"))
            .filter(Boolean)
        : raw;
  }
  return { meta, body: match[2] };
}

const asList = (v: string | string[] | undefined) => (Array.isArray(v) ? v : list(v));
const asString = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : v);

/** Rows for every file in the folder: from the manifest if there is one, plus all Markdown files. */
export async function planImport(folder: string): Promise<ImportRow[]> {
  const names = (await readdir(folder, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  const rows: ImportRow[] = [];
  const manifest = names.find((n) => n.toLowerCase() === "manifest.csv");
  if (manifest) rows.push(...manifestRows(await readFile(path.join(folder, manifest), "utf8")));
  else rows.push(...names.filter((n) => !/\.(md|markdown|csv)$/i.test(n)).map((file) => ({ file, tags: [], audiences: [] })));
  for (const name of names.filter((n) => /\.(md|markdown)$/i.test(n))) {
    if (rows.some((r) => r.file === name)) continue;
    const { meta, body } = parseFrontMatter(await readFile(path.join(folder, name), "utf8"));
    rows.push({
      file: name,
      title: asString(meta.title),
      summary: asString(meta.summary),
      type: asString(meta.type),
      tags: asList(meta.tags),
      audiences: asList(meta.audiences),
      expiresAt: asString(meta.expires ?? meta.expires_at),
      verifyIntervalDays: asString(meta.verify_days ?? meta.verify_interval_days),
      body,
    });
  }
  return rows;
}

/** Audience entries may be team names (friendlier in a spreadsheet) or ids. */
async function teamIds(app: AppContext, names: string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const rows = await app.db.select({ id: teams.id, name: teams.name }).from(teams);
  return names.map((n) => {
    const team = rows.find((t) => t.id === n || t.name.toLowerCase() === n.toLowerCase());
    if (!team) throw new AppError("unprocessable", `Unknown team "${n}".`);
    return team.id;
  });
}

async function alreadyImported(app: AppContext, hash: string) {
  const [hit] = await app.db
    .select({ itemId: itemVersions.itemId })
    .from(itemVersions)
    .where(inArray(itemVersions.contentHash, [hash]))
    .limit(1);
  return hit?.itemId ?? null;
}

function reason(error: unknown): string {
  if (error instanceof AppError) return error.message;
  if (error instanceof ZodError) return error.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`).join("; ");
  return error instanceof Error ? error.message : String(error);
}

export async function importFolder(
  app: AppContext,
  user: SessionUser,
  folder: string,
  options: { publish?: boolean; onProgress?: (done: number, total: number, outcome: ImportOutcome) => void } = {},
): Promise<ImportOutcome[]> {
  const { storage } = requireServices(app);
  const root = path.resolve(folder);
  const rows = await planImport(root);
  const outcomes: ImportOutcome[] = [];
  for (const [index, row] of rows.entries()) {
    const outcome = await importRow(app, user, root, row, storage, options.publish ?? false).catch((error): ImportOutcome => ({
      file: row.file,
      status: "failed",
      reason: reason(error),
    }));
    outcomes.push(outcome);
    options.onProgress?.(index + 1, rows.length, outcome);
  }
  return outcomes;
}

async function importRow(
  app: AppContext,
  user: SessionUser,
  root: string,
  row: ImportRow,
  storage: ReturnType<typeof requireServices>["storage"],
  publish: boolean,
): Promise<ImportOutcome> {
  const target = path.resolve(root, row.file);
  // The manifest is data from elsewhere: it must not reach outside the folder being imported. A plain
  // name is checked as one, not against its cleaned-up form: an accent as macOS spells it (decomposed)
  // or a ":" in "Q3: Pricing.pdf" was refused as if it pointed elsewhere.
  if (!row.file || /[/\\\0]/.test(row.file) || path.dirname(target) !== root || path.basename(target) !== row.file) {
    return { file: row.file, status: "failed", reason: "The file must be a plain name inside the import folder." };
  }
  const audiences = await teamIds(app, row.audiences);
  const fields = {
    title: row.title,
    summary: row.summary ?? "",
    type: row.type,
    tags: row.tags,
    audiences,
    expiresAt: row.expiresAt,
    verifyIntervalDays: row.verifyIntervalDays,
  };

  let itemId: string;
  let problem: string | null = null;
  if (/\.(md|markdown)$/i.test(row.file)) {
    // A Markdown file the manifest lists comes without its body: read here, its front matter is metadata,
    // not part of the talk track (it once reached sellers' screens as "---\ntitle: …").
    const read = row.body === undefined ? parseFrontMatter(await readFile(target, "utf8")) : null;
    const body = row.body ?? read!.body;
    const existing = await alreadyImported(app, sha256(body));
    if (existing) return skipped(app, user, row.file, existing, publish);
    const type = row.type && isMessagingType(row.type) ? row.type : "talk_track";
    itemId = await createTextItem(
      app,
      user,
      CreateTextInput.parse({
        ...fields,
        type,
        title: row.title ?? asString(read?.meta.title) ?? path.basename(row.file).replace(/\.\w+$/, ""),
        summary: row.summary ?? asString(read?.meta.summary) ?? "",
        body,
      }),
    );
  } else {
    const info = await stat(target).catch(() => null);
    if (!info?.isFile()) return { file: row.file, status: "failed", reason: "File not found in the folder." };
    const written = await writeTempFile(storage, createReadStream(target), Math.floor(app.env.MAX_UPLOAD_MB * 1024 * 1024));
    if ("tooLarge" in written) return { file: row.file, status: "failed", reason: `Larger than the ${app.env.MAX_UPLOAD_MB} MB limit.` };
    try {
      const existing = await alreadyImported(app, written.key);
      if (existing) return await skipped(app, user, row.file, existing, publish);
      if (!sniffHead(written.head) && written.size > 0) {
        return { file: row.file, status: "failed", reason: "Not a supported file type." };
      }
      const [result] = await createItemsFromUpload(app, user, {
        files: [{ field: "file", filename: safeFilename(row.file), ...written }],
        fields: fields as Record<string, unknown>,
      });
      if (!result.ok) return { file: row.file, status: "failed", reason: result.error.message };
      itemId = result.itemId;
      problem = result.problem;
    } finally {
      await rm(written.tempFile, { force: true });
    }
  }
  if (publish && !problem) problem = await publishImported(app, user, itemId, "Created");
  return { file: row.file, status: "created", itemId, problem };
}

/**
 * An import brings in content that was already approved elsewhere; the history records who did it. The
 * item exists by now: a refusal here (say, an expiry date already past) is said with it, not as a failed
 * row. Returns what stopped it, or null.
 */
async function publishImported(app: AppContext, user: SessionUser, itemId: string, done: string, inReview = false): Promise<string | null> {
  try {
    if (!inReview) await transitionItem(app, user, itemId, { to: "in_review", comment: "Bulk import" });
    await transitionItem(app, user, itemId, { to: "published", comment: "Bulk import (approved before import)" });
    return null;
  } catch (error) {
    return `${done} but not published: ${reason(error)}`;
  }
}

/**
 * A row imported before: skipped, except that with `publish` a draft or an item in review an earlier run
 * left (it stopped half way, ran without `--publish`, or was refused, say for a past expiry date now
 * fixed) is published now, as the help promises that running the import again finishes it.
 */
async function skipped(app: AppContext, user: SessionUser, file: string, itemId: string, publish: boolean): Promise<ImportOutcome> {
  const [item] = await app.db.select({ status: items.status, problem: items.problem }).from(items).where(eq(items.id, itemId));
  if (!publish || !item || (item.status !== "draft" && item.status !== "in_review") || item.problem) {
    return { file, status: "skipped", reason: `already imported (item ${itemId})` };
  }
  const problem = await publishImported(app, user, itemId, "Imported before", item.status === "in_review");
  return problem
    ? { file, status: "failed", reason: problem }
    : { file, status: "skipped", reason: `already imported (item ${itemId}); published now` };
}

/** Who the import acts as: an admin or marketer, by email. */
export async function importer(app: AppContext, email: string): Promise<SessionUser> {
  const [u] = await app.db.select().from(users).where(eq(users.email, email.toLowerCase()));
  if (!u || !u.active || (u.role !== "admin" && u.role !== "marketer")) {
    throw new Error(`${email} is not an active marketer or admin.`);
  }
  return { id: u.id, email: u.email, name: u.name, role: u.role, teamId: u.teamId, leadsTeamIds: [] };
}
