/**
 * The admin token that guards the report and the dashboard. The API takes it as
 * `Authorization: Bearer <token>`; the dashboard exchanges it once for a cookie
 * that holds a value derived from it (never the token itself). Comparisons are
 * made in constant time over fixed-length digests, so neither the token's
 * content nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The dashboard's session cookie. */
export const ADMIN_COOKIE = 'attune_admin';

/** What a request's credentials are worth. */
export type AdminCheck = 'ok' | 'missing' | 'wrong' | 'off';

/** Checks requests against the configured admin token. */
export interface AdminGuard {
  /** False when the collector has no admin token: the report and dashboard are off. */
  enabled: boolean;
  /** Judges the request's `Authorization: Bearer` header, else its dashboard cookie. */
  check(req: IncomingMessage): AdminCheck;
  /** True when `candidate` is the token (for the dashboard's sign-in form). */
  matches(candidate: string): boolean;
  /** The `Set-Cookie` value that signs the dashboard in (HttpOnly, SameSite=Strict). */
  sessionCookie(secure: boolean): string;
  /** The `Set-Cookie` value that signs it out. */
  clearCookie(secure: boolean): string;
}

/** How to turn the guarded endpoints on, for the answer they give while off. */
export const ADMIN_OFF_MESSAGE =
  'the report and dashboard are off: start the collector with --admin-token <token> (or ATTUNE_ADMIN_TOKEN=<token>)';

/** Tokens shorter than this are refused at start: a guessable token guards nothing. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

const digest = (label: string, value: string) => createHash('sha256').update(label).update('\0').update(value).digest();

// Cookie values are ASCII from base64url, so they never need quoting or escaping.
function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * A guard for `token`, or a disabled one for `undefined`. Throws when the token is
 * shorter than {@link MIN_ADMIN_TOKEN_LENGTH} characters.
 */
export function createAdminGuard(token: string | undefined): AdminGuard {
  if (token !== undefined && token.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new Error(`the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters long, not ${token.length}`);
  }
  const tokenDigest = token === undefined ? undefined : digest('token', token);
  // What the cookie holds: a digest of the token, so a leaked cookie does not reveal the token
  // (it still signs in, until the token changes).
  const session = token === undefined ? '' : digest('dashboard-session', token).toString('base64url');
  const sessionDigest = digest('cookie', session);
  const same = (candidate: string, label: string, expected: Buffer) => timingSafeEqual(digest(label, candidate), expected);
  const attributes = (secure: boolean) => `; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;

  return {
    enabled: tokenDigest !== undefined,
    check(req) {
      if (!tokenDigest) return 'off';
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const match = /^Bearer +(\S+) *$/i.exec(authorization);
        return match && same(match[1], 'token', tokenDigest) ? 'ok' : 'wrong';
      }
      const cookie = cookieValue(req.headers.cookie, ADMIN_COOKIE);
      if (cookie === undefined) return 'missing';
      return same(cookie, 'cookie', sessionDigest) ? 'ok' : 'wrong';
    },
    matches: (candidate) => tokenDigest !== undefined && same(candidate, 'token', tokenDigest),
    sessionCookie: (secure) => `${ADMIN_COOKIE}=${session}${attributes(secure)}`,
    clearCookie: (secure) => `${ADMIN_COOKIE}=${attributes(secure)}; Max-Age=0`,
  };
}
