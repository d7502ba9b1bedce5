import type { EventContext } from '../core/types';
import { VERSION } from '../core/version';

const CAMPAIGN_KEYS = ['source', 'medium', 'term', 'content'] as const;

/** Reads the Segment `context` of an event from the page as it is now. */
export function readContext(): EventContext {
  const { href, pathname, search } = location;
  const params = new URLSearchParams(search);
  const campaign: NonNullable<EventContext['campaign']> = {};
  const name = params.get('utm_campaign');
  if (name) campaign.name = name;
  for (const key of CAMPAIGN_KEYS) {
    const value = params.get(`utm_${key}`);
    if (value) campaign[key] = value;
  }
  const context: EventContext = {
    page: { url: href, path: pathname, search, referrer: document.referrer, title: document.title },
    locale: navigator.language || '',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || '',
    userAgent: navigator.userAgent,
    screen: { width: screen.width, height: screen.height, density: devicePixelRatio },
    library: { name: 'attune', version: VERSION },
  };
  if (Object.keys(campaign).length) context.campaign = campaign;
  return context;
}
