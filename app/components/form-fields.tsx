// Form pieces whose ids and aria wiring must stay in step: a field's error or hint is announced with its input.
import type { InputHTMLAttributes, ReactNode } from "react";

export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p className="field-error" id={id}>
      {message}
    </p>
  ) : null;
}

/** The form-level error; inputs that it concerns point at `form-error` with aria-describedby. */
export function FormError({ message }: { message?: string | null }) {
  return message ? (
    <p className="form-error" id="form-error" role="alert">
      {message}
    </p>
  ) : null;
}

/**
 * A labelled input with its error, or else its hint, below it as `{id}-error` / `{id}-hint`.
 * The other input attributes are rendered in the order given, before the aria ones.
 */
export function Field({
  label,
  error,
  hint,
  ...input
}: { id: string; label: string; error?: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const { id } = input;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        {...input}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
      />
      {error ? (
        <FieldError id={`${id}-error`} message={error} />
      ) : hint ? (
        <p className="meta" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </>
  );
}

/** The full-width submit button of the sign-in pages, its label changing while the form is sent. */
export function SubmitButton({ busy, busyLabel, children }: { busy: boolean; busyLabel: string; children: ReactNode }) {
  return (
    <p>
      <button type="submit" disabled={busy} style={{ width: "100%" }}>
        {busy ? busyLabel : children}
      </button>
    </p>
  );
}
