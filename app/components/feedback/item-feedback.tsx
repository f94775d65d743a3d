// "Was this useful?" on every item: yes/no, reason chips, an optional comment, changeable later; and
// what marketing did about earlier answers (their replies, "updated in vN").
import { Form, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import type { ItemFeedback } from "~/modules/feedback/ratings.server";
import { formatDate } from "@/vocabulary/dates";
import { NEGATIVE_REASONS, POSITIVE_REASONS, REASON_LABEL } from "@/vocabulary/feedback";

// Type-only: erased from the browser bundle.
export type ItemFeedbackData = ItemFeedback;

const withLabels = (reasons: readonly string[]): [string, string][] => reasons.map((r) => [r, REASON_LABEL[r]]);
const NEGATIVE = withLabels(NEGATIVE_REASONS);
const POSITIVE = withLabels(POSITIVE_REASONS);

const dateLabel = formatDate;

export function ItemFeedback({ feedback }: { feedback: ItemFeedbackData }) {
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const action = `/items/${feedback.itemId}/feedback`;
  const busy = navigation.state !== "idle" && navigation.formAction === action;
  const [useful, setUseful] = useState<"yes" | "no" | null>(feedback.mine ? (feedback.mine.useful ? "yes" : "no") : null);
  const error = params.get("feedbackError");
  // Every chip is always offered: without JavaScript the list could not follow a changed Yes/No.
  const reasons = useful === "yes" ? [...POSITIVE, ...NEGATIVE] : [...NEGATIVE, ...POSITIVE];
  if (feedback.versionNumber === null) return null;
  return (
    <section className="card feedback" id="was-this-useful" aria-labelledby="was-this-useful-title">
      <h2 id="was-this-useful-title">Was this useful?</h2>
      {feedback.history.map((h) => (
        <div key={h.versionNumber} className="feedback-history">
          <p className="meta">
            On v{h.versionNumber} you said {h.useful ? "it was useful" : "it wasn't useful"}
            {h.comment ? <>: “{h.comment}”</> : null}
          </p>
          {h.replies.map((r, i) => (
            <blockquote key={i} className="feedback-reply">
              <strong>{r.author ?? "Marketing"} replied</strong> <span className="meta">{dateLabel(r.at)}</span>
              <p>{r.body}</p>
            </blockquote>
          ))}
          {h.resolvedInVersion ? <p className="badge published">Updated in v{h.resolvedInVersion}</p> : null}
        </div>
      ))}
      <div aria-live="polite">
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : feedback.mine ? (
          <p className="notice">
            You answered {feedback.mine.useful ? "Yes" : "No"} for v{feedback.versionNumber} on {dateLabel(feedback.mine.at)}. You can
            change it.
          </p>
        ) : null}
      </div>
      <Form method="post" action={action} preventScrollReset key={feedback.mine?.at ?? "new"}>
        {/* The version on screen: an answer sent later (a page left open, a phone offline) is for it. */}
        {feedback.versionId ? <input type="hidden" name="version" value={feedback.versionId} /> : null}
        <fieldset className="chips" aria-describedby="useful-hint">
          <legend className="visually-hidden">Was this useful?</legend>
          <span id="useful-hint" className="visually-hidden">
            Answer for version {feedback.versionNumber}
          </span>
          {(["yes", "no"] as const).map((v) => (
            <label key={v} className="fb-chip big">
              <input type="radio" name="useful" value={v} required defaultChecked={useful === v} onChange={() => setUseful(v)} />
              <span>{v === "yes" ? "👍 Yes" : "👎 No"}</span>
            </label>
          ))}
        </fieldset>
        <fieldset className="chips">
          <legend>Why? (optional)</legend>
          {reasons.map(([value, label]) => (
            <label key={value} className="fb-chip">
              <input type="checkbox" name="reasons" value={value} defaultChecked={feedback.mine?.reasons.includes(value)} />
              <span>{label}</span>
            </label>
          ))}
        </fieldset>
        <label htmlFor="feedback-comment">Comment for marketing (optional)</label>
        <textarea id="feedback-comment" name="comment" rows={3} maxLength={2000} defaultValue={feedback.mine?.comment ?? ""} />
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Sending…" : feedback.mine ? "Update my answer" : "Send feedback"}
          </button>
        </p>
      </Form>
    </section>
  );
}
