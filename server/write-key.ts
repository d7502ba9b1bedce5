/**
 * The write key of a `POST /v1/batch`, sent as Segment's clients send it: HTTP Basic
 * with the key as the user name (and an empty password), or the body's `writeKey`
 * (what a beacon, which cannot set headers, does). A key scopes writes to a site; it
 * does not make the visitor trusted, since it sits in every page of the site.
 */
import type { IncomingMessage } from 'node:http';
import type { SiteRegistry } from './sites';

/** The key a request carries, `undefined` when none; or the problem with its Authorization header. */
export type CarriedKey = { key: string | undefined } | { problem: string };

/**
 * Reads the key from `Authorization: Basic …` first, else from the parsed body's
 * `writeKey`. A header of another scheme, or one that is not base64 of `user:password`,
 * is a problem rather than "no key", so a misconfigured client hears what is wrong.
 */
export function carriedKey(req: IncomingMessage, body: unknown): CarriedKey {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const [scheme, credentials = ''] = header.trim().split(/\s+/, 2);
    if (scheme.toLowerCase() !== 'basic') return { problem: `Authorization must be HTTP Basic with the write key as the user name, not "${scheme.slice(0, 20)}"` };
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Segment's clients send "key:"; a bare "key" (no colon) is accepted too.
    const key = colon === -1 ? decoded : decoded.slice(0, colon);
    return { key: key === '' ? undefined : key };
  }
  const inBody = typeof body === 'object' && body !== null ? (body as { writeKey?: unknown }).writeKey : undefined;
  return { key: typeof inBody === 'string' && inBody !== '' ? inBody : undefined };
}

/**
 * Why `key` may not write into `site`, or null when it may. The messages say what is
 * wrong (no site, no key, a wrong key), never which keys exist.
 */
export function writeRefusal(sites: SiteRegistry, site: string, carried: CarriedKey): string | null {
  if (sites.open) return null;
  if ('problem' in carried) return carried.problem;
  if (!sites.get(site)) return `site "${site}" is not served by this collector`;
  if (carried.key === undefined) return `writing to site "${site}" needs its write key: send it as the HTTP Basic user name, or as "writeKey" in the body`;
  if (!sites.acceptsWriteKey(site, carried.key)) return `the write key is not one of site "${site}"'s keys`;
  return null;
}
