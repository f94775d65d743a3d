// Database refusals caused by what was sent become the 4xx they are, with a message a person can act on;
// anything else stays what it was (a bug, for the error boundary).
import { expect, it } from "vitest";
import { AppError, GONE_REFERENCE_MESSAGE, NUL_MESSAGE, OUT_OF_RANGE_MESSAGE, asInputError } from "~/modules/errors.server";

// As drizzle wraps a driver error: the PostgreSQL code on `cause`.
const refused = (code: string) => Object.assign(new Error("Failed query"), { cause: { code } });

it("answers a NUL in text with a 400 and a reference to a row that is not there with a 422", () => {
  for (const code of ["22021", "22P05"]) {
    const error = asInputError(refused(code)) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect([error.status, error.message]).toEqual([400, NUL_MESSAGE]);
  }
  // 23503: foreign_key_violation, as when a team is removed between the check and the write.
  const gone = asInputError(refused("23503")) as AppError;
  expect([gone.status, gone.message]).toEqual([422, GONE_REFERENCE_MESSAGE]);
  // The driver's own error, not wrapped (postgres.js outside drizzle).
  expect((asInputError(Object.assign(new Error("x"), { code: "23503" })) as AppError).status).toBe(422);
});

it("answers a date or number PostgreSQL cannot hold with a 400 that says so", () => {
  for (const code of ["22008", "22007", "22003"]) {
    const error = asInputError(refused(code)) as AppError;
    expect([error.status, error.message]).toEqual([400, OUT_OF_RANGE_MESSAGE]);
  }
});

it("leaves every other error as it was", () => {
  for (const error of [refused("23505"), refused("57P01"), new TypeError("bug"), null, "text"]) expect(asInputError(error)).toBe(error);
});
