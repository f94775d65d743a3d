CREATE TABLE "reminder_claims" (
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminder_claims_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
ALTER TABLE "reminder_claims" ADD CONSTRAINT "reminder_claims_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Hand-written: reminders already told count as claimed, so the first sweep after the upgrade repeats none.
INSERT INTO "reminder_claims" ("user_id", "key", "claimed_at")
SELECT "user_id", "dedupe_key", "created_at" FROM "notifications"
WHERE "kind" IN ('item_expiring', 'verification_due') AND "dedupe_key" IS NOT NULL
ON CONFLICT DO NOTHING;
