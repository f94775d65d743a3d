import { defineConfig } from "drizzle-kit";

// Used only by `npm run db:generate`; migrations are applied from code (db/migrate.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
