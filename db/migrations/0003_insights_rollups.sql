CREATE TABLE "item_seller_gaps" (
	"day" date NOT NULL,
	"item_id" uuid NOT NULL,
	"gap" integer NOT NULL,
	"sellers" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "item_seller_gaps_day_item_id_gap_pk" PRIMARY KEY("day","item_id","gap")
);
--> statement-breakpoint
CREATE TABLE "item_usage_daily" (
	"day" date NOT NULL,
	"item_id" uuid NOT NULL,
	"views" integer DEFAULT 0 NOT NULL,
	"dwell_ms" bigint DEFAULT 0 NOT NULL,
	"dwells" integer DEFAULT 0 NOT NULL,
	"shares" integer DEFAULT 0 NOT NULL,
	"downloads" integer DEFAULT 0 NOT NULL,
	"search_clicks" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "item_usage_daily_day_item_id_pk" PRIMARY KEY("day","item_id")
);
--> statement-breakpoint
ALTER TABLE "usage_daily" DROP CONSTRAINT "usage_daily_day_item_id_team_id_pk";--> statement-breakpoint
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_team_id_day_item_id_pk" PRIMARY KEY("team_id","day","item_id");--> statement-breakpoint
CREATE INDEX "item_seller_daily_user_idx" ON "item_seller_daily" USING btree ("user_id","item_id","day");--> statement-breakpoint
CREATE INDEX "item_seller_daily_team_idx" ON "item_seller_daily" USING btree ("team_id","day");--> statement-breakpoint
-- Hand-written: a database that already holds usage gets the new rollups filled from the ones they
-- summarise, giving the same rows as `npm run insights:rebuild` (gap 100000 = FIRST_USE_GAP).
INSERT INTO "item_usage_daily" ("day", "item_id", "views", "dwell_ms", "dwells", "shares", "downloads", "search_clicks")
SELECT "day", "item_id", sum("views"), sum("dwell_ms"), sum("dwells"), sum("shares"), sum("downloads"), sum("search_clicks")
FROM "usage_daily" GROUP BY "day", "item_id";
--> statement-breakpoint
INSERT INTO "item_seller_gaps" ("day", "item_id", "gap", "sellers")
SELECT "day", "item_id", "gap", count(*) FROM (
  SELECT "day", "item_id", coalesce("day" - lag("day") OVER (PARTITION BY "item_id", "user_id" ORDER BY "day"), 100000) AS "gap"
  FROM "item_seller_daily"
) d GROUP BY "day", "item_id", "gap";
--> statement-breakpoint
-- Hand-written: every ingest updates rollup rows in place; free room on each page lets Postgres keep the
-- new row version on the same page without touching the indexes (a HOT update).
ALTER TABLE "usage_daily" SET (fillfactor = 80);
--> statement-breakpoint
ALTER TABLE "item_usage_daily" SET (fillfactor = 80);
--> statement-breakpoint
ALTER TABLE "item_seller_daily" SET (fillfactor = 80);
--> statement-breakpoint
ALTER TABLE "item_seller_gaps" SET (fillfactor = 80);
--> statement-breakpoint
ALTER TABLE "seller_daily" SET (fillfactor = 80);
