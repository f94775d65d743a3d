// What a screen says of an item past its expiry date on this device's clock, in the Saved tab's words: in
// text (a status), not by the badge's colour alone.
import { formatDate } from "@/vocabulary/dates";

export function ExpiredNote({ on }: { on: string }) {
  return (
    <p className="notice" role="status">
      <span className="badge archived">Expired</span> on {formatDate(on)} — not for use with buyers.
    </p>
  );
}
