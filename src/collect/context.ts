import type { EventContext } from '../core/types';
import { VERSION } from '../core/version';

const CAMPAIGN_KEYS = ['name', 'source', 'medium', 'term', 'content'] as const;

// What cannot change during a page's life is read once: resolving the time zone
// alone costs more than the rest of an event. Events share these parts, which
// nothing mutates.
let fixed: Omit<EventContext, 'page' | 'campaign'> | undefined;
let lastSearch: string | undefined;
let campaign: EventContext['campaign'];

/** Reads the Segment `context` of an event from the page as it is now. */
export function readContext(): EventContext {
  const { href, pathname, search } = location;
  fixed ||= {
    locale: navigator.language,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
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
  if (campaign) context.campaign = campaign;
  return context;
}
