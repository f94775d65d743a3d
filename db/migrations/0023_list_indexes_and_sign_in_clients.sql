DROP INDEX "notifications_unread_idx";--> statement-breakpoint
ALTER TABLE "login_attempts" ADD COLUMN "client" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
CREATE INDEX "login_attempts_client_at_idx" ON "login_attempts" USING btree ("client","at");--> statement-breakpoint
CREATE INDEX "feedback_replies_recipient_idx" ON "feedback_replies" USING btree ("recipient_id","at");--> statement-breakpoint
CREATE INDEX "notifications_user_id_idx" ON "notifications" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("user_id","id") WHERE read_at is null;