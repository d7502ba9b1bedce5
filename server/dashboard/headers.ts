/**
 * The headers of every dashboard response, page or asset. The policy allows only
 * the collector's own files: no inline script or style anywhere, so an injected
 * `<script>` or `style=` (from a hostile variant name that escaped as markup) would
 * not run, and the page cannot be framed (clickjacking the sign-out or sign-in).
 */

/** The dashboard's Content Security Policy. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Security headers sent with every dashboard response. */
export const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // For browsers that predate frame-ancestors.
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
