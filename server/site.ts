/**
 * Site ids: which customer site an event or a request belongs to.
 */

/** The site used when a request names none, as the SDK's own default (`site: "default"`). */
export const DEFAULT_SITE = 'default';

// Site ids end up in URLs, logs and SQL parameters; a short, plain alphabet keeps them
// unambiguous everywhere and rejects garbage early.
const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True for a valid site id: 1–64 characters of letters, digits, `.`, `_` and `-`, starting alphanumeric. */
export function isSiteId(value: unknown): value is string {
  return typeof value === 'string' && SITE_ID.test(value);
}

/** The problem with a site id, or null when it is valid. */
export function siteProblem(value: unknown): string | null {
  return isSiteId(value) ? null : 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';
}
