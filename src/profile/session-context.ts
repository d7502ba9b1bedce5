import type { EventContext } from '../core/types';

/** Where a visit came from, judged by its referrer and campaign. */
export type ReferrerClass = 'search' | 'social' | 'email' | 'direct' | 'internal' | 'other';

/** The kind of device, from the user agent and screen size. */
export type DeviceClass = 'mobile' | 'tablet' | 'desktop';

/** What is known about the current visit when it starts. */
export interface SessionContext {
  campaign: { name?: string; source?: string; medium?: string; term?: string; content?: string };
  referrer: { class: ReferrerClass; host: string };
  device: DeviceClass;
  locale: string;
  timezone: string;
  landingPath: string;
}

// Host fragments; a host matches when it contains one as a whole label.
const SEARCH = /(^|\.)(google|bing|duckduckgo|yahoo|yandex|baidu|ecosia|qwant|startpage|search\.brave|naver|seznam)\./;
const SOCIAL =
  /(^|\.)(facebook|fb|instagram|t\.co|twitter|x\.com|linkedin|lnkd|pinterest|reddit|tiktok|youtube|threads|bsky|mastodon|vk|weibo)\b/;
const MAIL = /(^|\.)(mail\.|outlook\.|webmail|mail\.yahoo)/;

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
};

/** Classifies a visit's origin: an email campaign wins, then the referrer's host. */
export function classifyReferrer(referrer: string, pageUrl: string, medium?: string): ReferrerClass {
  if (medium && /e-?mail|newsletter/i.test(medium)) return 'email';
  const host = hostOf(referrer);
  if (!host) return 'direct';
  if (host === hostOf(pageUrl)) return 'internal';
  if (SEARCH.test(host)) return 'search';
  if (SOCIAL.test(host)) return 'social';
  if (MAIL.test(host)) return 'email';
  return 'other';
}

/** Classifies the device: tablets first, since their user agents often say "Mobile" too. */
export function classifyDevice(userAgent: string, screenWidth: number): DeviceClass {
  if (/iPad|Tablet|PlayBook|Silk|Android(?!.*Mobile)/i.test(userAgent)) return 'tablet';
  if (/Mobi|iPhone|iPod|Android|Windows Phone/i.test(userAgent) || (screenWidth > 0 && screenWidth < 600)) return 'mobile';
  return 'desktop';
}

/** Reads the session context from the event that starts a visit. */
export function sessionContextOf(context: EventContext): SessionContext {
  const campaign = { ...context.campaign };
  return {
    campaign,
    referrer: {
      class: classifyReferrer(context.page.referrer, context.page.url, campaign.medium),
      host: hostOf(context.page.referrer),
    },
    device: classifyDevice(context.userAgent, context.screen.width),
    locale: context.locale,
    timezone: context.timezone,
    landingPath: context.page.path,
  };
}
