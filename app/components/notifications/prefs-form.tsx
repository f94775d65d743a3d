// Notification preferences on Me: per kind, shown in the app or not, and mailed at once, in a daily or
// weekly digest, or never. A plain form (works before JavaScript); push for this device sits below it.
import { Form, Link } from "@remix-run/react";
import { PushOptIn } from "./push-opt-in";

export type PrefsKind = {
  kind: string;
  label: string;
  description: string;
  emailChoices: readonly string[];
  inApp: boolean;
  email: string;
};

const EMAIL_LABEL: Record<string, string> = { off: "Never", immediate: "At once", daily: "Daily digest", weekly: "Weekly digest" };

export function NotificationPrefs({
  kinds,
  push,
  vapidPublicKey,
  saved,
  error,
  busy,
}: {
  kinds: PrefsKind[];
  push: { enabled: boolean; devices: number };
  vapidPublicKey: string;
  saved: boolean;
  error: string | null;
  busy: boolean;
}) {
  return (
    <section aria-labelledby="notifications">
      <h2 id="notifications">Notifications</h2>
      <p className="row">
        <Link className="button secondary" to="/notifications">
          All notifications
        </Link>
      </p>
      {saved ? (
        <p className="notice" role="status">
          Notification settings saved.
        </p>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <Form method="post" className="card" aria-label="Notification settings">
        <input type="hidden" name="intent" value="notification-prefs" />
        {kinds.map((k) => (
          <fieldset key={k.kind} className="prefs-kind">
            <legend>{k.label}</legend>
            <p className="meta" id={`desc-${k.kind}`}>
              {k.description}
            </p>
            <div className="row">
              <label className="check">
                <input type="checkbox" name={`inApp.${k.kind}`} defaultChecked={k.inApp} aria-describedby={`desc-${k.kind}`} /> In the app
              </label>
              <div>
                <label htmlFor={`email-${k.kind}`}>Email</label>
                <select id={`email-${k.kind}`} name={`email.${k.kind}`} defaultValue={k.email}>
                  {k.emailChoices.map((c) => (
                    <option key={c} value={c}>
                      {EMAIL_LABEL[c] ?? c}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          </fieldset>
        ))}
        <p>
          <button type="submit" disabled={busy}>
            Save notification settings
          </button>
        </p>
      </Form>
      <PushOptIn enabled={push.enabled} devices={push.devices} vapidPublicKey={vapidPublicKey} />
    </section>
  );
}
