// The library's words — item types, statuses, tag facets — and how people read them. Browser-safe: the
// schema, the domain modules and the components all import these, so no list is ever copied.
export const ITEM_TYPES = [
  "deck",
  "document",
  "one_pager",
  "spreadsheet",
  "image",
  "video",
  "talk_track",
  "battle_card",
  "objection_handling",
  "definition",
  "email_template",
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

/** Items whose body is Markdown written in the app, not an uploaded file. */
export const MESSAGING_TYPES = [
  "talk_track",
  "battle_card",
  "objection_handling",
  "definition",
  "email_template",
] as const satisfies readonly ItemType[];
export const isMessagingType = (type: string): boolean => (MESSAGING_TYPES as readonly string[]).includes(type);

export const TYPE_LABEL: Record<string, string> = {
  deck: "Deck",
  document: "Document",
  one_pager: "One-pager",
  spreadsheet: "Spreadsheet",
  image: "Image",
  video: "Video",
  talk_track: "Talk track",
  battle_card: "Battle card",
  objection_handling: "Objection handling",
  definition: "Definition",
  email_template: "Email template",
} satisfies Record<ItemType, string>;

export const ITEM_STATUSES = ["draft", "in_review", "published", "archived"] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** Labels are keyed by string so any stored word can be looked up (`?? word` for the unknown). "Scheduled" is not a status of its own: a published item whose publish time is still ahead. */
export const STATUS_LABEL: Record<string, string> = {
  draft: "Draft",
  in_review: "In review",
  published: "Published",
  archived: "Archived",
  scheduled: "Scheduled",
} satisfies Record<ItemStatus | "scheduled", string>;

export const FACETS = ["product", "industry", "persona", "stage", "region"] as const;
export type Facet = (typeof FACETS)[number];

/** Tag groups as people read them (forms, search chips, the tag admin page). */
export const FACET_LABEL: Record<string, string> = {
  product: "Product",
  industry: "Industry",
  persona: "Persona",
  stage: "Funnel stage",
  region: "Region",
} satisfies Record<Facet, string>;

/** The review queue's orders: the longest-waiting first by default, so nobody is answered last forever. */
export const REVIEW_SORTS = ["waiting", "recent", "title"] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];
export const REVIEW_SORT_LABEL: Record<ReviewSort, string> = {
  waiting: "Waiting longest",
  recent: "Submitted most recently",
  title: "Title A–Z",
};

/** The tag admin's orders: by label by default; the fewest used first finds the ones that can go. */
export const TAG_SORTS = ["label", "most", "fewest"] as const;
export type TagSort = (typeof TAG_SORTS)[number];
/** Tags shown per group and page: a group of 2,000 tags (one per customer, say) drew 2,000 forms at once. */
export const TAGS_PER_PAGE = 50;
export const TAG_SORT_LABEL: Record<TagSort, string> = {
  label: "Label A–Z",
  most: "Most used first",
  fewest: "Fewest used first",
};

/** What the library table can do to many selected items at once (modules/library/bulk.server.ts). */
export const BULK_ACTIONS = ["verify", "expiry", "owner", "tag_add", "tag_remove", "archive"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const BULK_ACTION_LABEL: Record<BulkAction, string> = {
  verify: "Mark re-verified",
  expiry: "Set the expiry date",
  owner: "Hand over to another owner",
  tag_add: "Add a tag",
  tag_remove: "Remove a tag",
  archive: "Archive",
};
/** At most this many items change in one bulk request; a bigger view must be narrowed first. */
export const BULK_MAX = 2_000;
