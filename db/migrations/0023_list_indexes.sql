DROP INDEX "notifications_unread_idx";--> statement-breakpoint
CREATE INDEX "feedback_replies_recipient_idx" ON "feedback_replies" USING btree ("recipient_id","at");--> statement-breakpoint
CREATE INDEX "notifications_user_id_idx" ON "notifications" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("user_id","id") WHERE read_at is null;