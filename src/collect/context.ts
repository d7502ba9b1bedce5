import type { EventContext } from '../core/types';
import { VERSION } from '../core/version';

const CAMPAIGN_KEYS = ['name', 'source', 'medium', 'term', 'content'] as const;

// What cannot change during a page's life is read once. Events share these parts,
// which nothing mutates.
let fixed: Omit<EventContext, 'page' | 'campaign' | 'timezone'> | undefined;
let zone: string | undefined;
let lastSearch: string | undefined;
let campaign: EventContext['campaign'];

/**
 * Sets the time zone events carry from now on. The first `Intl.DateTimeFormat` of a page
 * costs about 18 ms, so it is never resolved before the first paint: the tag uses the
 * one an earlier page stored, the second stage resolves it (src/collect/time-zone.ts), and
 * the sender adds it to events recorded before it was known.
 */
export function setTimeZone(value: string | undefined): void {
  zone = value;
}

/** The time zone events carry now, if known yet. */
export const timeZone = (): string | undefined => zone;

/** Reads the Segment `context` of an event from the page as it is now. */
export function readContext(): EventContext {
  const { href, pathname, search } = location;
  fixed ||= {
    locale: navigator.language,
    userAgent: navigator.userAgent,
    screen: { width: screen.width, height: screen.height, density: devicePixelRatio },
    library: { name: 'attune', version: VERSION },
  };
  if (search !== lastSearch) {
    lastSearch = search;
    const params = new URLSearchParams(search);
    campaign = undefined;
    for (const key of CAMPAIGN_KEYS) {
      // Segment names the campaign itself `name`, from utm_campaign.
      const value = params.get(`utm_${key === 'name' ? 'campaign' : key}`);
      if (value) (campaign ||= {})[key] = value;
    }
  }
  const context: EventContext = {
    page: { url: href, path: pathname, search, referrer: document.referrer, title: document.title },
    ...fixed,
  };
  if (zone) context.timezone = zone;
  if (campaign) context.campaign = campaign;
  return context;
}
