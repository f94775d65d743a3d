// The lint rule that keeps *.server values out of a route's browser half: it must flag what broke pages
// (a status list and two invalid-link sentences read from .server modules in components) and leave the
// loader's and action's own uses, type uses and resource routes alone.
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, describe, it } from "vitest";
import rule from "@/lint/server-values-in-browser.js";

// RuleTester reports through the test framework it is given (its types leave these statics out).
Object.assign(RuleTester, { afterAll, describe, it });
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } } });

tester.run("server-values-in-browser", rule as never, {
  valid: [
    {
      name: "used in the loader and the action only",
      code: `import { listMail, MailQuery } from "~/modules/mail/mail.server";
        export async function loader() { return listMail(MailQuery.parse({})); }
        export const action = async () => listMail({});
        export default function Page() { return null; }`,
    },
    {
      name: "type uses are erased",
      code: `import { type Row, listMail } from "~/modules/mail/mail.server";
        import type { Other } from "./x.server";
        export async function loader() { return listMail(); }
        export default function Page(props: { row: Row; other: Other }) { const d: typeof listMail | null = null; return null; }`,
    },
    {
      name: "a resource route has no browser half",
      code: `import { apiError } from "~/modules/api.server";
        const fail = () => apiError();
        export const loader = fail;`,
    },
    {
      name: "browser-safe words come from vocabulary/",
      code: `import { MAIL_STATUSES } from "@/vocabulary/mail";
        export default function Page() { return MAIL_STATUSES.length; }`,
    },
  ],
  invalid: [
    {
      name: "a .server constant read by the component",
      code: `import { INVALID_INVITE_MESSAGE, findInvitation } from "~/modules/people/invitations.server";
        export async function loader() { return findInvitation(); }
        export default function Page() { return <p>{INVALID_INVITE_MESSAGE}</p>; }`,
      errors: [{ messageId: "browser" }],
    },
    {
      name: "a .server value in a helper the page calls",
      code: `import { MAIL_STATUSES } from "./mail.server";
        const options = () => MAIL_STATUSES.map((s) => s);
        export default function Page() { return options(); }`,
      errors: [{ messageId: "browser" }],
    },
    {
      name: "in clientLoader, which runs in the browser",
      code: `import { thing } from "~/modules/x.server";
        export const clientLoader = () => thing;
        export default function Page() { return null; }`,
      errors: [{ messageId: "browser" }],
    },
  ],
});
