// The library table's bulk actions: one change to many items at once (re-verify, expiry, owner, a tag,
// archive), on the rows a marketer ticked or on every item of the view they filtered, in one transaction.
// Each change is recorded per item as a single edit would be, and the cheap ones come back with their
// undo: the same action with the values the items had before, grouped by value.
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { itemTags, items, tags, users } from "@/db/schema";
import { queueSearchSync } from "@/search/outbox";
import { formatDate } from "@/vocabulary/dates";
import { isUuid, UUID_PATTERN } from "@/vocabulary/ids";
import { BULK_ACTIONS, BULK_MAX, type BulkAction } from "@/vocabulary/library";
import { recordAudits } from "~/modules/audit/audit.server";
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError } from "~/modules/errors.server";
import { visibleItemsWhere } from "./audience.server";
import { archiveItems } from "./lifecycle.server";
import { MetadataFields } from "./publishing-input.server";
import { requirePublisher } from "./publisher.server";
import { libraryIds, type LibraryQuery } from "./table.server";
import { checkOwner, resolveTags } from "./tags-audiences.server";

const uuid = z.string().regex(UUID_PATTERN, "Choose items from the table.");
const chosen = (message: string) => z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(UUID_PATTERN, message).optional());

/** What the bulk bar posts. `all` stands for every item of the view the table shows (its filters). */
export const BulkInput = z.object({
  intent: z.enum(BULK_ACTIONS, { message: "Choose what to do with the selected items." }),
  ids: z.array(uuid).max(BULK_MAX, `Choose at most ${BULK_MAX.toLocaleString("en-GB")} items at once.`),
  all: z.boolean(),
  expiresAt: MetadataFields.expiresAt,
  ownerId: chosen("Choose the new owner from the list."),
  // An id from the select, or a name typed where there are too many tags for one (resolved by bulkUpdate).
  tagId: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().max(120).optional()),
  confirm: z.boolean(),
});
export type BulkInput = z.infer<typeof BulkInput>;

const DB_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * One step of an undo: the same action with the value the items had before it, for the items not
 * changed since `at` (the change's own time): an Undo pressed later put back an expiry date or an owner
 * over what someone had set since. Older pages' Undo buttons carry no `at` and undo every item, as before.
 */
const UndoStep = z
  .object({
    intent: z.enum(["expiry", "owner", "tag_add", "tag_remove"]),
    value: z.string().nullable(),
    ids: z.array(uuid).min(1).max(BULK_MAX),
    at: z.string().regex(DB_TIME).optional(),
  })
  // What `apply` itself gives back: a date (or none) for expiry, an id for the rest. The Undo field is a
  // form field anyone can edit, and a null owner or a tag "x" there reached the database and answered 500.
  .refine(
    (s) =>
      s.intent === "expiry"
        ? s.value === null || z.string().datetime({ offset: true }).safeParse(s.value).success
        : s.value !== null && UUID_PATTERN.test(s.value),
    { message: "That undo could not be read. Reload the page and make the change again by hand.", path: ["value"] },
  );
export type UndoStep = z.infer<typeof UndoStep>;
export const UndoInput = z
  .array(UndoStep)
  .min(1)
  .max(BULK_MAX)
  .refine((steps) => steps.reduce((n, s) => n + s.ids.length, 0) <= BULK_MAX, "That undo is too large.");

/** The bulk bar's form as `BulkInput` (the rows' checkboxes arrive as repeated `id` fields). */
export const bulkFromForm = (form: FormData) =>
  BulkInput.parse({
    intent: form.get("intent") || undefined,
    ids: form.getAll("id"),
    all: form.get("all") === "1",
    expiresAt: form.get("expiresAt") ?? "",
    ownerId: form.get("ownerId") ?? "",
    tagId: form.get("tagId") ?? "",
    confirm: form.get("confirm") === "yes",
  });

/** An Undo button's steps, as its hidden field carries them; anything else is refused with a message. */
export function parseUndo(value: FormDataEntryValue | null): UndoStep[] {
  let steps: unknown;
  try {
    steps = JSON.parse(typeof value === "string" ? value : "");
  } catch {
    throw new AppError("bad_request", "That undo could not be read. Reload the page and make the change again by hand.");
  }
  return UndoInput.parse(steps);
}

export type BulkResult = { done: string; changed: number; undo: UndoStep[] | null };

const plural = (n: number, one = "item", many = `${one}s`) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;
const already = (n: number, what: string) => (n > 0 ? `; ${plural(n)} ${n === 1 ? "was" : "were"} ${what} already` : "");

/** The items a bulk request is about: the ticked ones, or every item in the view (refused past BULK_MAX). */
async function targets(db: Db, user: SessionUser, input: BulkInput, view: LibraryQuery, now: Date, max: number): Promise<string[]> {
  if (!input.all) {
    if (input.ids.length === 0) throw new AppError("unprocessable", "Select at least one item, or choose every item in this view.");
    const ids = [...new Set(input.ids)];
    const visible = await db
      .select({ id: items.id })
      .from(items)
      .where(and(inArray(items.id, ids), visibleItemsWhere(user, now)));
    return visible.map((v) => v.id);
  }
  const ids = await libraryIds(db, { user, query: { ...view, page: undefined }, limit: max + 1, now });
  if (ids.length > max) {
    throw new AppError(
      "unprocessable",
      `This view holds more than ${max.toLocaleString("en-GB")} items. Narrow the filters, then apply the change to every item in the view.`,
    );
  }
  return ids;
}

/** Marks the items as edited, so an open edit form sees someone saved in between (its optimistic lock). */
const touch = (tx: Db, user: SessionUser, ids: string[]) =>
  ids.length
    ? tx
        .update(items)
        .set({ revision: sql`${items.revision} + 1` as never, updatedAt: sql`now()` as never, updatedBy: user.id })
        .where(inArray(items.id, ids))
    : null;

/** Applies one bulk action. The view is the table's filters, used when `input.all` is set (at most `max` items). */
export async function bulkUpdate(
  app: AppContext,
  user: SessionUser,
  input: BulkInput,
  view: LibraryQuery = {},
  { now = new Date(), max = BULK_MAX }: { now?: Date; max?: number } = {},
): Promise<BulkResult> {
  requirePublisher(user);
  if (input.intent === "expiry" && input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("unprocessable", "Choose an expiry date in the future, or leave the date empty to remove the expiry.");
  }
  if (input.intent === "owner" && !input.ownerId) throw new AppError("unprocessable", "Choose the new owner from the list.");
  if ((input.intent === "tag_add" || input.intent === "tag_remove") && !input.tagId) {
    throw new AppError("unprocessable", "Choose a tag from the list.");
  }
  if (input.intent === "archive" && !input.confirm) {
    throw new AppError("unprocessable", "Tick “Yes, archive them” to confirm: archived items leave sellers' phones.");
  }
  const tagId = input.tagId && (isUuid(input.tagId) ? input.tagId : (await resolveTags(app.db, [input.tagId]))[0]);
  const ids = await targets(app.db, user, input, view, now, max);
  if (ids.length === 0) throw new AppError("unprocessable", "None of the selected items exist any more.");
  const value = input.intent === "expiry" ? (input.expiresAt?.toISOString() ?? null) : input.intent === "owner" ? input.ownerId! : tagId!;
  return app.db.transaction((tx) => apply(tx, user, input.intent, value, ids, now));
}

/** Undoes a bulk change with the steps its result carried; each step is checked as a new request. */
export async function undoBulk(app: AppContext, user: SessionUser, steps: UndoStep[], now = new Date()): Promise<BulkResult> {
  requirePublisher(user);
  return app.db.transaction(async (tx) => {
    let changed = 0;
    let left = 0;
    for (const step of steps) {
      const visible = await tx
        .select({ id: items.id })
        .from(items)
        .where(
          and(
            inArray(items.id, step.ids),
            visibleItemsWhere(user, now),
            step.at ? sql`${items.updatedAt} <= ${step.at}::timestamptz` : undefined,
          ),
        );
      left += new Set(step.ids).size - visible.length;
      // Nothing of this step is left to change back (a hand-made step naming no item, or all edited since).
      if (visible.length === 0) continue;
      changed += (
        await apply(
          tx,
          user,
          step.intent,
          step.value,
          visible.map((v) => v.id),
          now,
        )
      ).changed;
    }
    const kept = left
      ? `; ${plural(left)} changed since or gone ${left === 1 ? "was" : "were"} left as ${left === 1 ? "it is" : "they are"}`
      : "";
    return { done: `Undone: ${plural(changed)} changed back${kept}.`, changed, undo: null };
  });
}

async function apply(tx: Db, user: SessionUser, intent: BulkAction, value: string | null, ids: string[], now: Date): Promise<BulkResult> {
  const before = await tx
    .select({ id: items.id, title: items.title, ownerId: items.ownerId, owner: users.name, expiresAt: items.expiresAt })
    .from(items)
    .leftJoin(users, eq(users.id, items.ownerId))
    .where(inArray(items.id, ids))
    .for("update", { of: items });
  const undo: UndoStep[] = [];
  const group = (step: Omit<UndoStep, "ids">, id: string) => {
    const found = undo.find((u) => u.intent === step.intent && u.value === step.value);
    if (found) found.ids.push(id);
    else undo.push({ ...step, ids: [id] });
  };
  let changed: string[] = [];
  let done: string;
  switch (intent) {
    case "verify": {
      changed = ids;
      await tx.update(items).set({ verifiedAt: now }).where(inArray(items.id, ids));
      await recordAudits(
        tx,
        before.map((b) => ({ actor: user, action: "item.verified", targetType: "item", targetId: b.id, details: { title: b.title } })),
      );
      done = `Marked ${plural(ids.length)} re-verified today.`;
      break;
    }
    case "expiry": {
      const to = value ? new Date(value) : null;
      const moving = before.filter((b) => (b.expiresAt?.getTime() ?? null) !== (to?.getTime() ?? null));
      changed = moving.map((b) => b.id);
      if (changed.length) {
        await tx.update(items).set({ expiresAt: to }).where(inArray(items.id, changed));
        await recordAudits(
          tx,
          moving.map((b) => ({
            actor: user,
            action: "item.expiry_changed",
            targetType: "item",
            targetId: b.id,
            details: { title: b.title, from: b.expiresAt?.toISOString() ?? null, to: value },
          })),
        );
      }
      for (const b of moving) group({ intent: "expiry", value: b.expiresAt?.toISOString() ?? null }, b.id);
      done = `${to ? `Set the expiry date to ${formatDate(to)} on` : "Removed the expiry date from"} ${plural(changed.length)}${already(ids.length - changed.length, "so")}.`;
      break;
    }
    case "owner": {
      await checkOwner(tx, value);
      const [owner] = await tx.select({ name: users.name }).from(users).where(eq(users.id, value!));
      const moving = before.filter((b) => b.ownerId !== value);
      changed = moving.map((b) => b.id);
      if (changed.length) {
        await tx.update(items).set({ ownerId: value }).where(inArray(items.id, changed));
        await recordAudits(
          tx,
          moving.map((b) => ({
            actor: user,
            action: "item.owner_changed",
            targetType: "item",
            targetId: b.id,
            details: { title: b.title, from: b.ownerId ? { id: b.ownerId, name: b.owner } : null, to: { id: value, name: owner.name } },
          })),
        );
      }
      // Ownership is never cleared (an item keeps someone responsible for it), so unowned items stay handed over.
      for (const b of moving) if (b.ownerId) group({ intent: "owner", value: b.ownerId }, b.id);
      done = `Handed ${plural(changed.length)} over to ${owner.name}${already(ids.length - changed.length, "theirs")}.`;
      break;
    }
    case "tag_add":
    case "tag_remove": {
      const [tag] = await tx.select({ label: tags.label }).from(tags).where(eq(tags.id, value!));
      if (!tag) throw new AppError("unprocessable", "That tag no longer exists. Reload the page and choose another.");
      const rows =
        intent === "tag_add"
          ? await tx
              .insert(itemTags)
              .values(ids.map((itemId) => ({ itemId, tagId: value! })))
              .onConflictDoNothing()
              .returning({ itemId: itemTags.itemId })
          : await tx
              .delete(itemTags)
              .where(and(eq(itemTags.tagId, value!), inArray(itemTags.itemId, ids)))
              .returning({ itemId: itemTags.itemId });
      changed = rows.map((r) => r.itemId);
      for (const id of changed) group({ intent: intent === "tag_add" ? "tag_remove" : "tag_add", value }, id);
      done =
        intent === "tag_add"
          ? `Added “${tag.label}” to ${plural(changed.length)}${already(ids.length - changed.length, "tagged")}.`
          : `Removed “${tag.label}” from ${plural(changed.length)}${already(ids.length - changed.length, "without it")}.`;
      break;
    }
    case "archive": {
      const archived = await archiveItems(tx, user, ids, now);
      changed = archived.map((a) => a.id);
      done = `Archived ${plural(changed.length)}${already(ids.length - changed.length, "archived")}: they leave sellers' phones at their next sync. Restore one from its page, as a draft.`;
      return { done, changed: changed.length, undo: null };
    }
  }
  await touch(tx, user, changed);
  await queueSearchSync(tx, changed);
  if (!undo.length) return { done, changed: changed.length, undo: null };
  // The time `touch` wrote, to the microsecond: Undo changes back only the items nobody changed after it.
  const [{ at }] = await tx
    .select({ at: sql<string>`to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` })
    .from(sql`(select 1) as one`);
  return { done, changed: changed.length, undo: undo.map((step) => ({ ...step, at })) };
}
