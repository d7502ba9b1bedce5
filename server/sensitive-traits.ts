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
 * The events with their sites' sensitive traits replaced by markers. An event is copied
 * only when one of its trait holders has a sensitive name as a key, so ordinary events cost
 * a few property lookups; `settingsOf` gives a site's settings (undefined: the defaults
 * apply, e-mail and phone removed).
 */
export function withoutSensitiveTraits(events: readonly ValidEvent[], settingsOf: (site: string) => SiteSettings | undefined): ValidEvent[] {
  // Per site once a batch: the names, or null where they are stored. (The open registry
  // builds a site's settings afresh on every lookup.)
  const namesOf = new Map<string, string[] | null>();
  return events.map((e) => {
    let names = namesOf.get(e.site);
    if (names === undefined) {
      const settings = settingsOf(e.site);
      names = settings?.sensitiveTraits ?? ['email', 'phone'];
      if (settings?.storeSensitiveTraits || !names.length) names = null;
      namesOf.set(e.site, names);
    }
    // Looked for in the parsed event when ingest kept it (a substring search of every
    // payload cost more than the rest of validation); else the payload is parsed.
    if (!names) return e;
    const parsed = e.raw ?? (JSON.parse(e.payload) as Record<string, unknown>);
    if (!holdsAny(parsed, names)) return e;
    // A copy of the event as received (`payload` serialises it), unless it was parsed just now.
    const copy = e.raw ? (JSON.parse(e.payload) as Record<string, unknown>) : (parsed as Record<string, unknown>);
    for (const holder of holdersOf(copy)) {
      for (const name of names) {
        if (Object.hasOwn(holder, name) && holder[name] != null) holder[name] = removedMarker(e.site, holder[name]);
      }
    }
    return { ...e, payload: JSON.stringify(copy), properties: isObject(copy.properties) ? copy.properties : {}, raw: copy };
  });
}

// The objects at PLACES in an event.
function holdersOf(event: Readonly<Record<string, unknown>>): Record<string, unknown>[] {
  const holders: Record<string, unknown>[] = [];
  for (const path of PLACES) {
    let holder: unknown = event;
    for (const key of path) holder = isObject(holder) ? holder[key] : undefined;
    if (isObject(holder)) holders.push(holder);
  }
  return holders;
}

const holdsAny = (event: Readonly<Record<string, unknown>>, names: readonly string[]) =>
  holdersOf(event).some((holder) => names.some((name) => Object.hasOwn(holder, name) && holder[name] != null));
