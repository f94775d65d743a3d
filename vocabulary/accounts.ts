// What a person is told about a link to their account that no longer works: the same words on the page
// and in the API, for every reason (so a link's fate is not told to whoever holds it, decision 019).
export const INVALID_INVITE_MESSAGE = "This invitation link is invalid, already used, withdrawn or expired. Ask an admin for a new one.";
export const INVALID_RESET_MESSAGE = "This reset link is invalid, already used or expired. Ask for a new one.";

/**
 * Whose offline store a request from the device carries (the outbox, the catalog sync): the server
 * answers 401 when someone else is signed in, as for a tab left open while another person signed in.
 */
export const DEVICE_USER_HEADER = "X-Fieldkit-User";
