ALTER TABLE "item_seller_daily" ADD COLUMN "views" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "item_seller_daily" ADD COLUMN "dwell_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "item_seller_daily" ADD COLUMN "dwells" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "item_seller_daily" ADD COLUMN "shares" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "item_seller_daily" ADD COLUMN "downloads" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "item_seller_daily" ADD COLUMN "search_clicks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written: per-seller counts cannot be split out of the per-team table, so they are summed from the
-- raw events, as `npm run insights:rebuild` does, before that table goes.
UPDATE "item_seller_daily" s SET
  "views" = e."views", "dwell_ms" = e."dwell_ms", "dwells" = e."dwells", "shares" = e."shares",
  "downloads" = e."downloads", "search_clicks" = e."search_clicks"
FROM (
  SELECT (e."at" AT TIME ZONE 'UTC')::date AS "day", e."item_id", e."user_id",
    count(*) FILTER (WHERE e."type" = 'view') AS "views",
    coalesce(sum((e."props"->>'ms')::bigint) FILTER (WHERE e."type" = 'dwell'), 0) AS "dwell_ms",
    count(*) FILTER (WHERE e."type" = 'dwell') AS "dwells",
    count(*) FILTER (WHERE e."type" = 'share') AS "shares",
    count(*) FILTER (WHERE e."type" = 'download') AS "downloads",
    count(*) FILTER (WHERE e."type" = 'search_click') AS "search_clicks"
  FROM "events" e WHERE e."field" AND e."item_id" IS NOT NULL GROUP BY 1, 2, 3
) e
WHERE s."day" = e."day" AND s."item_id" = e."item_id" AND s."user_id" = e."user_id";
--> statement-breakpoint
DROP INDEX "item_seller_daily_user_idx";--> statement-breakpoint
ALTER TABLE "item_seller_daily" DROP CONSTRAINT "item_seller_daily_day_item_id_user_id_pk";--> statement-breakpoint
ALTER TABLE "item_seller_daily" ADD CONSTRAINT "item_seller_daily_user_id_item_id_day_pk" PRIMARY KEY("user_id","item_id","day");--> statement-breakpoint
DROP TABLE "usage_daily" CASCADE;
