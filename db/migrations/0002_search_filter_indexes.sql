CREATE INDEX "search_documents_type_idx" ON "search_documents" USING btree ("type");--> statement-breakpoint
CREATE INDEX "search_documents_tags_idx" ON "search_documents" USING gin ("tags");