// The API tokens section of Me, for the roles that may use tokens (not sellers): create (shown once), list, revoke.
import { Form } from "@remix-run/react";
import { formatDate } from "@/vocabulary/dates";

type Token = { id: string; name: string; createdAt: string | Date; lastUsedAt: string | Date | null };
type Result = { created: { name: string; token: string } | null; formError: string | null; intent?: string } | undefined;

export function ApiTokensSection({ tokens, result, busy }: { tokens: Token[]; result: unknown; busy: boolean }) {
  const r = result as Result;
  return (
    <>
      <h2 id="tokens">API tokens</h2>
      <p className="meta">
        For scripts and integrations: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you, with your role.
      </p>
      {r?.created ? (
        <div className="notice" role="status">
          <p>
            Token <strong>{r.created.name}</strong> created. Copy it now — it won't be shown again:
          </p>
          <input readOnly value={r.created.token} aria-label="New API token" onFocus={(e) => e.currentTarget.select()} />
        </div>
      ) : null}
      {r?.formError && !("intent" in r && (r.intent === "change-password" || r.intent === "notification-prefs")) ? (
        <p className="form-error" role="alert">
          {r.formError}
        </p>
      ) : null}
      {tokens.length ? (
        <ul className="list" aria-labelledby="tokens">
          {tokens.map((t) => (
            <li key={t.id} className="card row">
              <div>
                <strong>{t.name}</strong>
                <div className="meta">
                  created {formatDate(t.createdAt)} · {t.lastUsedAt ? `last used ${formatDate(t.lastUsedAt)}` : "never used"}
                </div>
              </div>
              <Form method="post" style={{ flex: "0 0 auto" }}>
                <input type="hidden" name="intent" value="revoke-token" />
                <input type="hidden" name="id" value={t.id} />
                <button type="submit" className="secondary" disabled={busy} aria-label={`Revoke ${t.name}`}>
                  Revoke
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p className="meta">No tokens yet.</p>
      )}
      <Form method="post" className="row" style={{ marginTop: ".75rem" }}>
        <input type="hidden" name="intent" value="create-token" />
        <div>
          <label htmlFor="token-name">Token name</label>
          <input id="token-name" name="name" required maxLength={80} placeholder="e.g. CRM sync" />
        </div>
        <button type="submit" disabled={busy} style={{ flex: "0 0 auto" }}>
          Create token
        </button>
      </Form>
    </>
  );
}
