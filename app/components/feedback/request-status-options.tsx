// A content request's statuses as a select's options, in their order: the seller's filter, marketing's
// filter and the status each request is moved to all offer the same ones, named the same way.
import { REQUEST_STATUSES, REQUEST_STATUS_LABEL } from "@/vocabulary/feedback";

export function RequestStatusOptions() {
  return (
    <>
      {REQUEST_STATUSES.map((s) => (
        <option key={s} value={s}>
          {REQUEST_STATUS_LABEL[s]}
        </option>
      ))}
    </>
  );
}
