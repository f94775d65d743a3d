ALTER TABLE "notifications" ADD COLUMN "pushed_at" timestamp with time zone;--> statement-breakpoint
-- Hand-written: the pushes queued in the last day count toward today's limits after the upgrade too.
UPDATE "notifications" n SET "pushed_at" = n."created_at"
FROM "jobs" j
WHERE j."kind" = 'send_push' AND j."created_at" > now() - interval '1 day'
  AND n."created_at" > now() - interval '1 day' AND n."id"::text = j."payload" ->> 'id';
