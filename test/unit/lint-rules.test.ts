// Issue #14: the layer rules are real — ESLint with the project's config refuses an upward import, a
// browser module importing server code and an oversized function, and accepts the allowed direction.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });
const rulesHit = async (filePath: string, code: string) => {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId);
};

describe("lint rules", { timeout: 60_000 }, () => {
  it("refuses db/ importing the app (an upward import across the layers)", async () => {
    expect(await rulesHit("db/scratch.ts", 'import { loadEnv } from "~/env.server";\nexport const x = loadEnv;\n')).toContain(
      "import-x/no-restricted-paths",
    );
  });

  it("refuses search/ importing the file pipeline", async () => {
    expect(await rulesHit("search/scratch.ts", 'import { sniffHead } from "@/content/sniff";\nexport const x = sniffHead;\n')).toContain(
      "import-x/no-restricted-paths",
    );
  });

  it("refuses a component importing server code at run time, and allows a type-only import", async () => {
    const runtime = 'import { requireUser } from "~/modules/auth/guard.server";\nexport const x = requireUser;\n';
    expect(await rulesHit("app/components/scratch.tsx", runtime)).toContain("@typescript-eslint/no-restricted-imports");
    const typeOnly = 'import type { SessionUser } from "~/modules/auth/session.server";\nexport type X = SessionUser;\n';
    expect(await rulesHit("app/components/scratch.tsx", typeOnly)).toEqual([]);
  });

  it("allows a module to import downwards", async () => {
    expect(await rulesHit("app/modules/scratch.server.ts", 'import { items } from "@/db/schema";\nexport const x = items;\n')).toEqual([]);
  });

  it("refuses a function over 150 lines", async () => {
    const body = Array.from({ length: 151 }, (_, i) => `  const v${i} = ${i};`).join("\n");
    expect(await rulesHit("app/modules/scratch.server.ts", `export function big() {\n${body}\n  return v0;\n}\n`)).toContain(
      "max-lines-per-function",
    );
  });

  it("refuses reading a request body without a cap in a route or module, and allows the capped readers", async () => {
    for (const call of ["request.formData()", "request.text()", "request.json()", "request.arrayBuffer()"]) {
      const code = `export async function action({ request }: { request: Request }) {\n  return await ${call};\n}\n`;
      expect(await rulesHit("app/routes/scratch.tsx", code), call).toContain("no-restricted-syntax");
      expect(await rulesHit("app/modules/scratch.server.ts", code), call).toContain("no-restricted-syntax");
    }
    const capped =
      'import { readForm } from "~/modules/request-body.server";\nexport async function action({ request }: { request: Request }) {\n  return await readForm(request);\n}\n';
    expect(await rulesHit("app/routes/scratch.tsx", capped)).toEqual([]);
  });
});
