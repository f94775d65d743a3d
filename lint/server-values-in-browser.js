// A route file ships to the browser too: Remix drops its loader, action and headers and empties every
// *.server module there. A value imported from a *.server module is therefore `undefined` in the
// component, and using it fails only once the page hydrates (a status list of the outbox page did, in
// session 15: the server rendered the page, the browser replaced it with the error page). This rule
// reports any use of such a value outside `loader`, `action` and `headers`.
const SERVER_ONLY_EXPORTS = new Set(["loader", "action", "headers"]);

const isServerModule = (source) => /\.server(\.[jt]sx?)?$/.test(source) || source.startsWith("~/modules/");

/** The name of the top-level export (function or const) that `node` sits in, if any. */
function enclosingExport(node) {
  for (let n = node; n; n = n.parent) {
    if (n.parent?.type === "ExportNamedDeclaration") {
      if (n.type === "FunctionDeclaration") return n.id?.name;
      if (n.type === "VariableDeclaration") return n.declarations[0]?.id?.name;
    }
  }
  return undefined;
}

export default {
  meta: {
    type: "problem",
    docs: { description: "No value from a *.server module outside a route's loader, action or headers." },
    schema: [],
    messages: {
      browser:
        "'{{name}}' comes from a .server module, which is empty in the browser: use it only in loader/action/headers, or move it to vocabulary/.",
    },
  },
  create(context) {
    // A resource route (no component) never runs in the browser.
    const hasComponent = context.sourceCode.ast.body.some((n) => n.type === "ExportDefaultDeclaration");
    if (!hasComponent) return {};
    return {
      ImportDeclaration(node) {
        if (node.importKind === "type" || !isServerModule(String(node.source.value))) return;
        for (const spec of node.specifiers) {
          if (spec.importKind === "type") continue;
          const variable = context.sourceCode.getDeclaredVariables(spec)[0];
          for (const ref of variable?.references ?? []) {
            const id = ref.identifier;
            // Type positions are erased: `typeof loader`, type annotations.
            if (id.parent?.type?.startsWith("TS")) continue;
            if (SERVER_ONLY_EXPORTS.has(enclosingExport(id))) continue;
            context.report({ node: id, messageId: "browser", data: { name: id.name } });
          }
        }
      },
    };
  },
};
