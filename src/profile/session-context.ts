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
  /** Absent when the visit's first event came before the time zone was known. */
  timezone?: string;
  landingPath: string;
}

// Matched against the referrer's host with a dot before it, so "t.co" never matches "bit.co".
const SEARCH = /\.(google|bing|duckduckgo|yahoo|yandex|baidu|ecosia|qwant|naver|seznam)\./;
const SOCIAL = /\.(facebook|fb|instagram|t|twitter|x|linkedin|lnkd|pinterest|reddit|tiktok|youtube|threads|bsky|vk)\.(com|co|me)$/;
const MAIL = /\.(mail|outlook|webmail)\./;

const hostOf = (url: string) => {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
};

/** Classifies a visit's origin: an email campaign wins, then the referrer's host. */
export function classifyReferrer(referrer: string, pageUrl: string, medium = ''): ReferrerClass {
  const host = hostOf(referrer);
  const dotted = '.' + host;
  return /e-?mail|newsletter/i.test(medium) || MAIL.test(dotted)
    ? 'email'
    : !host
      ? 'direct'
      : host === hostOf(pageUrl)
        ? 'internal'
        : SEARCH.test(dotted)
          ? 'search'
          : SOCIAL.test(dotted)
            ? 'social'
            : 'other';
}

/** Classifies the device: tablets first, since their user agents often say "Mobile" too. */
export const classifyDevice = (userAgent: string, screenWidth: number): DeviceClass =>
  /iPad|Tablet|Silk|Android(?!.*Mobi)/i.test(userAgent)
    ? 'tablet'
    : /Mobi|iPhone|Android/i.test(userAgent) || (screenWidth > 0 && screenWidth < 600)
      ? 'mobile'
      : 'desktop';

/** Reads the session context from the event that starts a visit. */
export function sessionContextOf(context: EventContext): SessionContext {
  const { page, campaign = {} } = context;
  return {
    campaign: { ...campaign },
    referrer: { class: classifyReferrer(page.referrer, page.url, campaign.medium), host: hostOf(page.referrer) },
    device: classifyDevice(context.userAgent, context.screen.width),
    locale: context.locale,
    timezone: context.timezone,
    landingPath: page.path,
  };
}
