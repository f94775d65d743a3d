ALTER TABLE "items" ADD COLUMN "title_default" text;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "type_default" text;