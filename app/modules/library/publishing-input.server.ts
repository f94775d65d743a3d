// What marketers send when they create or edit an item, parsed with zod into clear field messages.
import { z } from "zod";
import { ITEM_TYPES, MESSAGING_TYPES } from "@/vocabulary/library";
import { UUID_PATTERN } from "@/vocabulary/ids";
import { DATE_RANGE_MESSAGE, storableDate } from "@/vocabulary/dates";

export const isMessagingType = (type: string) => (MESSAGING_TYPES as readonly string[]).includes(type);

const emptyToNull = (v: unknown) => (v === "" || v === undefined ? null : v);
const asArray = (v: unknown) => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);

const dateInput = z.preprocess(
  emptyToNull,
  z
    .union([z.string(), z.date()])
    .nullable()
    .transform((v, ctx) => {
      if (v === null) return null;
      const d = v instanceof Date ? v : new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59Z` : v);
      if (Number.isNaN(d.getTime())) {
        ctx.addIssue({ code: "custom", message: "Enter a date like 2026-12-31." });
        return z.NEVER;
      }
      if (!storableDate(d)) {
        ctx.addIssue({ code: "custom", message: DATE_RANGE_MESSAGE });
        return z.NEVER;
      }
      return d;
    }),
);

export const MetadataFields = {
  title: z.string().trim().min(1, "Give the item a title.").max(200, "Titles are at most 200 characters."),
  summary: z.string().trim().max(2000, "Summaries are at most 2,000 characters."),
  type: z.enum(ITEM_TYPES, { message: "Choose a content type." }),
  ownerId: z.preprocess(emptyToNull, z.string().regex(UUID_PATTERN, "Choose an owner from the list.").nullable()),
  // Ticked chips send ids; the "Another tag" field sends a name, or nothing when left empty.
  tags: z.preprocess(
    (v) => asArray(v).filter((t) => typeof t !== "string" || t.trim() !== ""),
    z.array(z.string().trim().min(1).max(120)).max(50, "At most 50 tags."),
  ),
  audiences: z.preprocess(asArray, z.array(z.string().regex(UUID_PATTERN, "Choose teams from the list.")).max(100)),
  expiresAt: dateInput,
  verifyIntervalDays: z.preprocess(
    emptyToNull,
    z.coerce.number().int("Whole days only.").min(1, "At least one day.").max(3650, "At most ten years.").nullable(),
  ),
  videoUrl: z.preprocess(
    emptyToNull,
    z
      .string()
      .trim()
      .max(2000)
      .refine((u) => /^https:\/\/[^\s/]+\.[^\s]+$/i.test(u), "Video links must be https:// addresses.")
      .nullable(),
  ),
  body: z.string().max(200_000, "Messaging is at most 200,000 characters."),
  changelog: z.string().trim().max(2000).default(""),
  publishAt: dateInput,
};

export const CreateFields = z.object({
  title: MetadataFields.title.optional(),
  summary: MetadataFields.summary.default(""),
  type: z.preprocess(emptyToNull, MetadataFields.type.nullable()).optional(),
  ownerId: MetadataFields.ownerId.optional(),
  tags: MetadataFields.tags,
  audiences: MetadataFields.audiences,
  expiresAt: MetadataFields.expiresAt.optional(),
  verifyIntervalDays: MetadataFields.verifyIntervalDays.optional(),
});
export type CreateFields = z.infer<typeof CreateFields>;

export const CreateTextInput = CreateFields.extend({
  title: MetadataFields.title,
  type: MetadataFields.type,
  body: MetadataFields.body.optional(),
  videoUrl: MetadataFields.videoUrl.optional(),
  changelog: MetadataFields.changelog,
}).superRefine((v, ctx) => {
  if (isMessagingType(v.type)) {
    if (!v.body?.trim()) ctx.addIssue({ code: "custom", path: ["body"], message: "Write the message in Markdown." });
  } else if (v.type === "video") {
    if (!v.videoUrl) ctx.addIssue({ code: "custom", path: ["videoUrl"], message: "Paste the video's https:// link, or upload an MP4." });
  } else {
    ctx.addIssue({ code: "custom", path: ["type"], message: "Upload a file for this type of content." });
  }
});
export type CreateTextInput = z.infer<typeof CreateTextInput>;

export const UpdateInput = z
  .object({
    revision: z.coerce.number({ message: "revision is required (the value you loaded)." }).int().min(1),
    title: MetadataFields.title,
    summary: MetadataFields.summary,
    type: MetadataFields.type,
    ownerId: MetadataFields.ownerId,
    tags: MetadataFields.tags,
    audiences: MetadataFields.audiences,
    expiresAt: MetadataFields.expiresAt,
    verifyIntervalDays: MetadataFields.verifyIntervalDays,
    videoUrl: MetadataFields.videoUrl,
    body: MetadataFields.body,
    changelog: MetadataFields.changelog,
    /** "I checked it is still right": sets verified_at to now. */
    verified: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()),
  })
  .partial()
  .required({ revision: true });
export type UpdateInput = z.infer<typeof UpdateInput>;

/** Field-by-field messages for a form, from a zod error. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? "form")] ??= issue.message;
  return out;
}
