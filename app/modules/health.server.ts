import type { AppContext } from "./context.server";

export type HealthReport = {
  status: "ok" | "unavailable";
  db: "ok" | "unreachable";
  search: { engine: "postgres" | "meilisearch"; status: "ok" | "degraded" };
};

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timeout")), ms).unref?.())]);

/** The contract's `/healthz`: the database answers, and which search engine serves queries. */
export async function healthReport(ctx: AppContext): Promise<HealthReport> {
  const db = await withTimeout(ctx.dbHandle.ping(), 2_000).then(
    () => "ok" as const,
    () => "unreachable" as const,
  );
  const search = ctx.services.search ? await ctx.services.search.health() : { engine: "postgres" as const, status: "ok" as const };
  return { status: db === "ok" ? "ok" : "unavailable", db, search: db === "ok" ? search : { ...search, status: "degraded" } };
}
