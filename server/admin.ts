/**
 * The admin token that guards the report and the dashboard. The API takes it as
 * `Authorization: Bearer <token>`; the dashboard exchanges it once for a cookie
 * that holds a value derived from it (never the token itself). Comparisons are
 * made in constant time over fixed-length digests, so neither the token's
 * content nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createBuckets, type BucketLimit } from './rate-limit';

/** The dashboard's session cookie. */
export const ADMIN_COOKIE = 'attune_admin';

/** What a request's credentials are worth; `throttled` when its address sent too many wrong ones. */
export type AdminCheck = 'ok' | 'missing' | 'wrong' | 'off' | 'throttled';

/**
 * Wrong tokens (or cookies) one client address may present: 20 at once, then one every
 * 3 s. Past that, its admin requests are refused with 429, the right token too, until the
 * bucket refills: a guessed token is never even compared. A token of 16 random characters
 * cannot be guessed at any rate; this bounds guessing of a weak one (a word and a year).
 * Behind a proxy every client shares its address, so a guesser there also locks the
 * others out for as long as it keeps guessing: the price of not trusting forwarded headers.
 */
export const ADMIN_FAILURE_LIMIT: BucketLimit = { burst: 20, perSecond: 1 / 3 };

/** Checks requests against the configured admin token. */
export interface AdminGuard {
  /** False when the collector has no admin token: the report and dashboard are off. */
  enabled: boolean;
  /** Judges the request's `Authorization: Bearer` header, else its dashboard cookie. */
  check(req: IncomingMessage): AdminCheck;
  /** Judges `candidate`, a token the request sent in a form (the dashboard's sign-in). */
  checkToken(req: IncomingMessage, candidate: string): 'ok' | 'wrong' | 'off' | 'throttled';
  /** Seconds until a throttled request's address may try again. */
  retryAfter(req: IncomingMessage): number;
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
 * shorter than {@link MIN_ADMIN_TOKEN_LENGTH} characters. `clock` (ms) paces the
 * wrong-token limit, {@link ADMIN_FAILURE_LIMIT} by default.
 */
export function createAdminGuard(token: string | undefined, clock: () => number = Date.now, failureLimit: BucketLimit = ADMIN_FAILURE_LIMIT): AdminGuard {
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

  // Wrong credentials per client address, in a bounded map (made-up addresses cannot grow it).
  const failures = createBuckets(failureLimit, 10_000);
  const addressOf = (req: IncomingMessage) => req.socket.remoteAddress ?? '';
  const judged = <T extends string>(req: IncomingMessage, judge: () => T | 'wrong'): T | 'wrong' | 'throttled' => {
    const address = addressOf(req);
    if (failures.wait(address, clock()) > 0) return 'throttled';
    const verdict = judge();
    if (verdict === 'wrong') failures.take(new Map([[address, 1]]), clock());
    return verdict;
  };

  return {
    enabled: tokenDigest !== undefined,
    check(req) {
      if (!tokenDigest) return 'off';
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const match = /^Bearer +(\S+) *$/i.exec(authorization);
        return judged(req, () => (match && same(match[1], 'token', tokenDigest) ? 'ok' : 'wrong'));
      }
      const cookie = cookieValue(req.headers.cookie, ADMIN_COOKIE);
      if (cookie === undefined) return 'missing';
      return judged(req, () => (same(cookie, 'cookie', sessionDigest) ? 'ok' : 'wrong'));
    },
    checkToken: (req, candidate) => (tokenDigest ? judged(req, () => (same(candidate, 'token', tokenDigest) ? 'ok' : 'wrong')) : 'off'),
    retryAfter: (req) => Math.ceil(failures.wait(addressOf(req), clock())),
    sessionCookie: (secure) => `${ADMIN_COOKIE}=${session}${attributes(secure)}`,
    clearCookie: (secure) => `${ADMIN_COOKIE}=${attributes(secure)}; Max-Age=0`,
  };
}
