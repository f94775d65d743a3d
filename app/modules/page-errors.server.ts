// The pages' edges, as api.server.ts is the API's: one way to turn expected failures into what a person
// sees. Loaders: a domain error becomes the status page the route's error boundary renders (404, 403…).
// Actions: validation and domain errors come back to the form as `{ formError, fields }` with their
// status, so the page shows them next to what was typed; anything else is a bug and reaches the boundary.
import { data } from "@remix-run/node";
import { ZodError } from "zod";
import { AppError, asInputError } from "./errors.server";

/** What a form shows after a failed submit: one sentence, and a message per field where there is one. */
export type FormFailure = { formError: string; fields: Record<string, string> };

/** Field-by-field messages for a form, from a zod error (the first message per field). */
export function fieldErrors(error: ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? "form")] ??= issue.message;
  return out;
}

/** Runs a loader's work; a domain error becomes the HTTP status page (the error boundary shows its message). */
export async function pageData<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (thrown) {
    const error = asInputError(thrown);
    if (error instanceof AppError) throw new Response(error.message, { status: error.status });
    throw error;
  }
}

type ActionOptions<E> = {
  /** Values echoed back with a failure (what was typed, which form it was) so the page can show them again. */
  echo?: E;
  /** The sentence over a form whose fields are marked one by one; by default the messages themselves. */
  summary?: string;
  /** Not found answers with the 404 page rather than a form message (the thing the form was about is gone). */
  notFoundPage?: boolean;
  /** More for the page from a domain error, e.g. the other person's values on an edit conflict. */
  details?: (error: AppError) => Partial<E>;
};

/**
 * Runs an action's work. Expected failures answer `{ ...echo, formError, fields }` with the error's status:
 * 400 for invalid input, the AppError's own status otherwise.
 */
export async function formAction<T, E extends Record<string, unknown> = Record<never, never>>(
  work: () => Promise<T>,
  { echo, summary, notFoundPage = true, details }: ActionOptions<E> = {},
) {
  try {
    return await work();
  } catch (thrown) {
    const error = asInputError(thrown);
    if (error instanceof ZodError) {
      const fields = fieldErrors(error);
      const formError = summary ?? error.issues.map((i) => i.message).join(" ");
      return data({ ...(echo as E), formError, fields } satisfies FormFailure & E, { status: 400 });
    }
    if (error instanceof AppError) {
      if (notFoundPage && error.status === 404) throw new Response(error.message, { status: 404 });
      return data(
        { ...(echo as E), ...details?.(error), formError: error.message, fields: {} as Record<string, string> } satisfies FormFailure & E,
        {
          status: error.status,
        },
      );
    }
    throw error;
  }
}
