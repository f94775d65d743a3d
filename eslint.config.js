// Lint: TypeScript and React hooks rules, plus the layer rules that keep the architecture readable
// (decision 024). Run by `npm run lint` and in CI; `npm run format` is prettier.
import js from "@eslint/js";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import tseslint from "typescript-eslint";
import serverValuesInBrowser from "./lint/server-values-in-browser.js";

// Code that runs in the browser: components, the offline runtime, the service worker, the document shell.
const BROWSER = ["app/components/**", "app/offline/**", "app/sw/**", "app/styles/**", "app/lib/**", "app/root.tsx", "app/entry.client.tsx"];

/** The layers, top to bottom: each may import only from layers below it. */
const layers = [
  // vocabulary/: browser-safe words everything shares; imports nothing of ours.
  { target: "vocabulary", from: ["app", "server", "scripts", "db", "content", "search"] },
  { target: "db", from: ["app", "server", "scripts", "content", "search"] },
  // The file pipeline tells search what changed (search/outbox.ts); search never reaches into files.
  { target: "content", from: ["app", "server", "scripts"] },
  { target: "search", from: ["app", "server", "scripts", "content"] },
  { target: "app", from: ["server", "scripts"] },
  // Domain modules never reach up into pages or components.
  { target: "app/modules", from: ["app/routes", "app/components", "app/root.tsx", "app/entry.client.tsx", "app/entry.server.tsx"] },
  // Route files ship to the browser too (Remix removes only loaders, actions and *.server imports from
  // them): they reach the database, files and search through app/modules/*.server.ts, never directly.
  { target: "app/routes", from: ["db", "content", "search", "server", "scripts"] },
].map(({ target, from }) => ({
  target: `./${target}`,
  from: from.map((f) => `./${f}`),
  message: `Layers: ${target}/ may not import from here (routes → modules → content → search → db → vocabulary).`,
}));

export default tseslint.config(
  {
    ignores: ["node_modules/**", "build/**", "public/**", ".cache/**", ".data/**", "test-results/**", "db/migrations/**", "patches/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js,mjs}"],
    plugins: { "import-x": importX, "react-hooks": reactHooks },
    settings: {
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
    },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // Rows from raw SQL and JSON bodies are typed where they are parsed; `any` marks the few places
      // that hand them on before that, and is not worth a rule of its own (decision 024).
      "@typescript-eslint/no-explicit-any": "off",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { zones: layers }],
      // Imports say where a thing lives: ./ or ../ within a folder, ~/ (app) or @/ (repo root) across.
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../../*"], message: "Import across folders with ~/ (app) or @/ (repo root)." }] },
      ],
      // Fieldkit strips control characters from users' files and text on purpose, with regexes.
      "no-control-regex": "off",
      "max-lines": ["error", { max: 400 }],
      "max-lines-per-function": ["error", { max: 150 }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // Bodies are read with a cap (app/modules/request-body.server.ts): Request's own readers take
    // whatever arrives, and one large post to the sign-in page could exhaust the server's memory.
    files: ["app/routes/**/*.{ts,tsx}", "app/modules/**/*.ts"],
    ignores: ["app/modules/request-body.server.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='request'][callee.property.name=/^(formData|text|json|arrayBuffer|blob)$/]",
          message: "Read bodies with readForm, readJson or readBody, which cap their size.",
        },
      ],
    },
  },
  {
    // Route modules are browser code too, apart from their loader, action and headers.
    files: ["app/routes/**/*.{ts,tsx}"],
    plugins: { fieldkit: { rules: { "server-values-in-browser": serverValuesInBrowser } } },
    rules: { "fieldkit/server-values-in-browser": "error" },
  },
  {
    // Browser code may not import server code at run time (`import type` is erased and allowed).
    files: BROWSER.map((g) => (g.endsWith("**") ? `${g}/*.{ts,tsx}` : g)),
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "*.server",
                "~/modules/*",
                "@/db/*",
                "@/server/*",
                "@/content/*",
                "@/search/*",
                "@/scripts/*",
                "**/db/*",
                "**/server/*",
                "**/content/*",
                "**/search/*",
              ],
              allowTypeImports: true,
              message: "Browser code cannot import server code.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.{js,mjs}"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        fetch: "readonly",
        AbortSignal: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
      },
    },
  },
  {
    // Tests and benches drive every layer from outside; they may be long and reach anywhere.
    files: ["test/**"],
    rules: {
      "max-lines": "off",
      "max-lines-per-function": "off",
      "import-x/no-restricted-paths": "off",
    },
  },
);
