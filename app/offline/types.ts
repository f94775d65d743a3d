// Shapes shared by the sync API (server) and the offline store (browser). Types only: no runtime code,
// so the server can import them without pulling browser modules and vice versa.

export type CatalogTag = { facet: string; value: string; label: string };

/** One item's metadata as a seller's device keeps it. Files and previews are not in here. */
export type CatalogItem = {
  id: string;
  type: string;
  title: string;
  summary: string;
  tags: CatalogTag[];
  /** Current version number, or null for an item without a version yet. */
  version: number | null;
  versionId: string | null;
  /** Markdown body for messaging items (talk tracks, battle cards, definitions…); null otherwise. */
  bodyMd: string | null;
  file: { filename: string | null; mime: string | null; size: number | null } | null;
  /** Preview numbers (`GET /api/v1/items/:id/previews/:n`). */
  previews: number[];
  pageCount: number | null;
  videoUrl: string | null;
  publishedAt: string | null;
  expiresAt: string | null;
  updatedAt: string;
  /**
   * May go to a buyer (not marked internal only). Missing on catalogs synced before this field existed:
   * treated as shareable, and the server still refuses an internal item when the share is sent.
   */
  shareable?: boolean;
};

/** `GET /api/v1/sync?since=` */
export type SyncResponse = {
  items: CatalogItem[];
  removed: string[];
  cursor: string;
  /**
   * True when this answer is a complete catalog rather than a delta (first sync, or the caller's teams or
   * role changed): the device keeps exactly the items of this sync and drops everything else.
   */
  full: boolean;
  /** More pages follow: call again with `since=cursor`. */
  more: boolean;
};
