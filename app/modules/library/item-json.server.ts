// An item's tags and audiences as JSON columns of the outer `items` row, for statements that read an
// item with everything about it in one round trip (the item page, the item detail).
import { sql } from "drizzle-orm";
import { itemAudiences, itemTags, items, tags, teams } from "@/db/schema";

export const itemTagsJson = () =>
  sql<Pick<typeof tags.$inferSelect, "id" | "facet" | "value" | "label">[]>`coalesce((
    select json_agg(json_build_object('id', t.id, 'facet', t.facet, 'value', t.value, 'label', t.label) order by t.facet, t.label)
    from ${itemTags} it join ${tags} t on t.id = it.tag_id where it.item_id = ${items.id}), '[]'::json)`;

export const itemAudiencesJson = () =>
  sql<{ id: string; name: string }[]>`coalesce((
    select json_agg(json_build_object('id', tm.id, 'name', tm.name) order by tm.name)
    from ${itemAudiences} a join ${teams} tm on tm.id = a.team_id where a.item_id = ${items.id}), '[]'::json)`;
