// "Done. Undo": a page's message after a change that a second post can take back (a revoke, a deleted tag,
// a removed synonym group). The Undo is a plain form, so it works before the page's scripts have run.
import { Form } from "@remix-run/react";

export function UndoNotice({ message, fields, busy }: { message: string; fields: Record<string, string>; busy: boolean }) {
  return (
    <div className="notice undo-notice" role="status">
      <span>{message}</span>
      <Form method="post">
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <button type="submit" className="secondary" disabled={busy}>
          Undo
        </button>
      </Form>
    </div>
  );
}
