/**
 * Sensitive traits (a site's `sensitiveTraits`, e-mail and phone by default) are taken
 * out of events before they are stored, unless the site's `storeSensitiveTraits` says
 * to keep them. In their place goes a marker, `{ "removed": "sha256:…" }`: it says a
 * value was there, and its digest (of the site and the trimmed, lower-cased value) lets
 * an admin erasure by e-mail still find the visitor. The digest is pseudonymous, not
 * anonymous (whoever holds a candidate address can test it), and is erased with the
 * visitor. Values are never logged: nothing here reports, and the paths that log
 * (server/router.ts, server/repeat-log.ts) log messages and URLs, never bodies.
 */
import { createHash } from 'node:crypto';
import type { SiteSettings } from './sites';
import { isObject, type ValidEvent } from './validate-event';

// Where Segment-shaped events carry traits: identify's `traits`, the `context.traits`
// any call may carry, and track's `properties` (a form's e-mail in a "Signed Up").
const PLACES: readonly (readonly string[])[] = [['traits'], ['context', 'traits'], ['properties']];

/** The digest a removed trait's marker holds, and what an erasure by that value looks for. */
export function traitDigest(site: string, value: unknown): string {
  const text = String(value).trim().toLowerCase();
  return `sha256:${createHash('sha256').update(`${site}\0${text}`, 'utf8').digest('hex')}`;
}

/** The marker stored in place of a removed trait. */
export const removedMarker = (site: string, value: unknown) => ({ removed: traitDigest(site, value) });

/**
 * The events with their sites' sensitive traits replaced by markers. An event is parsed
 * again only when its payload mentions a sensitive name as a JSON key (a substring
 * test), so ordinary events cost nothing; `settingsOf` gives a site's settings
 * (undefined: the defaults apply, e-mail and phone removed).
 */
export function withoutSensitiveTraits(events: readonly ValidEvent[], settingsOf: (site: string) => SiteSettings | undefined): ValidEvent[] {
  // Per site once a batch: the names as JSON keys, or null where they are stored. (The open
  // registry builds a site's settings afresh on every lookup.)
  const keysOf = new Map<string, { names: string[]; keys: string[] } | null>();
  return events.map((e) => {
    let sensitive = keysOf.get(e.site);
    if (sensitive === undefined) {
      const settings = settingsOf(e.site);
      const names = settings?.sensitiveTraits ?? ['email', 'phone'];
      sensitive = settings?.storeSensitiveTraits || !names.length ? null : { names, keys: names.map((name) => JSON.stringify(name)) };
      keysOf.set(e.site, sensitive);
    }
    if (!sensitive || !sensitive.keys.some((key) => e.payload.includes(key))) return e;
    const { names } = sensitive;
    const raw = JSON.parse(e.payload) as Record<string, unknown>;
    let changed = false;
    for (const path of PLACES) {
      let holder: unknown = raw;
      for (const key of path) holder = isObject(holder) ? holder[key] : undefined;
      if (!isObject(holder)) continue;
      for (const name of names) {
        if (!Object.hasOwn(holder, name) || holder[name] == null) continue;
        holder[name] = removedMarker(e.site, holder[name]);
        changed = true;
      }
    }
    if (!changed) return e;
    return { ...e, payload: JSON.stringify(raw), properties: isObject(raw.properties) ? raw.properties : {} };
  });
}
