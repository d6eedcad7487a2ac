/** `text` with its ends trimmed and every run of white space made one space. */
export const collapseSpaces = (text: string): string => text.trim().replace(/\s+/g, ' ');

/**
 * `text` as names are compared when case and spacing should not matter: "Northumbria  pcc" and
 * "Northumbria PCC" have the same key.
 */
export const caseAndSpaceKey = (text: string): string => collapseSpaces(text).toLowerCase();
