CREATE TABLE "item_visibility" (
	"item_id" uuid NOT NULL,
	"team_id" uuid,
	"from_at" timestamp with time zone NOT NULL,
	"to_at" timestamp with time zone,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "item_visibility" ADD CONSTRAINT "item_visibility_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- INCLUDE is hand-written (drizzle cannot declare it): ingest and sync read whole windows by item, so
-- the look-up can be index-only. Same name, so the schema still matches.
CREATE INDEX "item_visibility_item_idx" ON "item_visibility" USING btree ("item_id","from_at") INCLUDE ("team_id","to_at","expires_at");--> statement-breakpoint
-- Hand-written: the triggers that keep item_visibility (decision 019). The open windows of an item are
-- made to match its state: none unless published, else one per audience team (or one for everyone)
-- carrying the current expiry. Windows that no longer match are closed at now() (the transaction's
-- start, the same clock as items.updated_at), new ones opened.
CREATE FUNCTION item_visibility_refresh(target uuid, opened_at timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  WITH wanted AS (
    SELECT i.id AS item_id, a.team_id, i.expires_at
    FROM items i LEFT JOIN item_audiences a ON a.item_id = i.id
    WHERE i.id = target AND i.status = 'published'
  ),
  closed AS (
    UPDATE item_visibility v SET to_at = now()
    WHERE v.item_id = target AND v.to_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.team_id IS NOT DISTINCT FROM v.team_id AND w.expires_at IS NOT DISTINCT FROM v.expires_at)
    RETURNING 1
  )
  INSERT INTO item_visibility (item_id, team_id, from_at, expires_at)
  SELECT w.item_id, w.team_id, opened_at, w.expires_at FROM wanted w
  WHERE NOT EXISTS (
    SELECT 1 FROM item_visibility v
    WHERE v.item_id = target AND v.to_at IS NULL AND v.team_id IS NOT DISTINCT FROM w.team_id AND v.expires_at IS NOT DISTINCT FROM w.expires_at
  );
  -- A window opened and closed within one transaction was never visible to anyone.
  DELETE FROM item_visibility WHERE item_id = target AND to_at IS NOT NULL AND to_at <= from_at;
END
$$;
--> statement-breakpoint
CREATE FUNCTION item_visibility_on_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'items' THEN
    -- An item written already published (seed, import, fixtures) has been visible since its publication.
    PERFORM item_visibility_refresh(NEW.id, CASE WHEN TG_OP = 'INSERT' THEN least(coalesce(NEW.published_at, now()), now()) ELSE now() END);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM item_visibility_refresh(OLD.item_id, now());
  ELSE
    PERFORM item_visibility_refresh(NEW.item_id, now());
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- NOTE: deferred to commit, so the refresh sees the final state of the transaction: an item inserted
-- published and then given its audience never gets a window for everyone.
CREATE CONSTRAINT TRIGGER item_visibility_item_insert AFTER INSERT ON items
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION item_visibility_on_change();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER item_visibility_item_update AFTER UPDATE OF status, expires_at ON items
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.expires_at IS DISTINCT FROM NEW.expires_at)
  EXECUTE FUNCTION item_visibility_on_change();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER item_visibility_audience AFTER INSERT OR DELETE ON item_audiences
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION item_visibility_on_change();
--> statement-breakpoint
-- Existing items: published ones since their publication, archived ones that were published until their
-- last change (the archive; the exact moment was not recorded), with today's audience and expiry.
INSERT INTO item_visibility (item_id, team_id, from_at, to_at, expires_at)
SELECT i.id, a.team_id, least(coalesce(i.published_at, i.created_at), now()),
  CASE WHEN i.status = 'published' THEN NULL ELSE i.updated_at END,
  i.expires_at
FROM items i LEFT JOIN item_audiences a ON a.item_id = i.id
WHERE i.status = 'published'
  OR (i.status = 'archived' AND i.published_at IS NOT NULL AND i.updated_at > least(i.published_at, now()));
