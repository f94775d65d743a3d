// The accessibility check every journey relies on must be able to fail, and say why.
import { expect, it } from "vitest";
import { expectNoAxeViolations } from "../setup/axe";
import { describeBrowser, launch } from "../setup/browser";

describeBrowser("the axe check", () => {
  it("fails on a page with barriers, naming each rule, its elements and where to read about it", async () => {
    const browser = await launch();
    try {
      const page = await browser.context.newPage();
      await page.setContent(
        `<html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>` +
          `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" class="photo">` +
          `<button class="icon"></button></main></body></html>`,
      );
      const error = await expectNoAxeViolations(page, "a broken page").then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/^2 accessibility violations on a broken page/);
      expect(error?.message).toContain("image-alt (critical)");
      expect(error?.message).toContain('class="photo"');
      expect(error?.message).toContain("button-name (critical)");
      expect(error?.message).toContain("dequeuniversity.com/rules/axe/");

      await page.setContent(
        `<html lang="en"><head><title>Fine</title></head><body><main><h1>Fine</h1><button>Save</button></main></body></html>`,
      );
      await expectNoAxeViolations(page, "a fine page");
    } finally {
      await browser.close();
    }
  });
});
