// The conflict rule for ratings, the one piece of seller state edited on several devices and offline:
// the answer given last (by the seller's clock, `at`) wins, whichever arrives first. The server applies
// the same rule, so a late-arriving older rating from a phone that was offline cannot overwrite a newer one.

export function latestWins<T extends { at: string }>(current: T, incoming: T): T {
  const a = Date.parse(current.at);
  const b = Date.parse(incoming.at);
  if (Number.isNaN(b)) return current;
  if (Number.isNaN(a)) return incoming;
  // On a tie the later-queued answer wins: it is what the seller saw last.
  return b >= a ? incoming : current;
}
