import type { EventContext } from '../src/core/types';
import { VERSION } from '../src/core/version';

/** An event context for a page at `url`, as a desktop browser in London would send it; `extra` overrides. */
export const eventContext = (url = 'https://shop.test/', extra: Partial<EventContext> = {}): EventContext => ({
  page: { url, path: new URL(url).pathname, search: new URL(url).search, referrer: '', title: '' },
  locale: 'en-GB',
  timezone: 'Europe/London',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  screen: { width: 1440, height: 900, density: 1 },
  library: { name: 'attune', version: VERSION },
  ...extra,
});
