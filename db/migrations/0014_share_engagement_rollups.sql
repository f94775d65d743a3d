CREATE TABLE "share_page_reads" (
	"share_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"page" integer NOT NULL,
	"ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "share_page_reads_share_id_position_page_pk" PRIMARY KEY("share_id","position","page")
);
--> statement-breakpoint
CREATE TABLE "share_viewers" (
	"share_id" uuid NOT NULL,
	"viewer" uuid NOT NULL,
	CONSTRAINT "share_viewers_share_id_viewer_pk" PRIMARY KEY("share_id","viewer")
);
--> statement-breakpoint
ALTER TABLE "share_events" DROP CONSTRAINT "share_events_share_id_shares_id_fk";
--> statement-breakpoint
DROP INDEX "share_events_share_idx";--> statement-breakpoint
ALTER TABLE "shares" ADD COLUMN "opens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shares" ADD COLUMN "viewers" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shares" ADD COLUMN "downloads" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "share_events_open_idx" ON "share_events" USING btree ("share_id") WHERE "share_events"."type" = 'open';--> statement-breakpoint
-- Existing engagement into the rollups, so they equal the raw events from the start.
INSERT INTO "share_page_reads" ("share_id", "position", "page", "ms")
SELECT "share_id", "position", "page", sum("ms") FROM "share_events"
WHERE "type" = 'page' AND "position" IS NOT NULL AND "page" IS NOT NULL
GROUP BY 1, 2, 3;--> statement-breakpoint
INSERT INTO "share_viewers" ("share_id", "viewer")
SELECT DISTINCT "share_id", "viewer" FROM "share_events" WHERE "type" = 'open';--> statement-breakpoint
UPDATE "shares" s SET "opens" = c."opens", "viewers" = c."viewers", "downloads" = c."downloads"
FROM (
  SELECT "share_id", count(*) FILTER (WHERE "type" = 'open') AS "opens",
         count(DISTINCT "viewer") FILTER (WHERE "type" = 'open') AS "viewers",
         count(*) FILTER (WHERE "type" = 'download') AS "downloads"
  FROM "share_events" GROUP BY 1
) c WHERE c."share_id" = s."id";
