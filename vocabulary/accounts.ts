// What a person is told about a link to their account that no longer works: the same words on the page
// and in the API, for every reason (so a link's fate is not told to whoever holds it, decision 019).
export const INVALID_INVITE_MESSAGE = "This invitation link is invalid, already used, withdrawn or expired. Ask an admin for a new one.";
export const INVALID_RESET_MESSAGE = "This reset link is invalid, already used or expired. Ask for a new one.";
