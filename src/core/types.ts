/** A JSON value: what properties and traits may hold once cleaned. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A plain JSON object. */
export type JsonObject = { [key: string]: Json };

/** The Segment Tracking API calls Attune records. */
export type EventType = 'track' | 'page' | 'identify' | 'alias' | 'group';

/** Where and how an event happened, in the Segment `context` shape. */
export interface EventContext {
  page: { url: string; path: string; search: string; referrer: string; title: string };
  /** From the page's `utm_*` parameters (`utm_campaign` becomes `name`, as Segment does). */
  campaign?: { name?: string; source?: string; medium?: string; term?: string; content?: string };
  locale: string;
  /**
   * The IANA time zone. Resolving it costs tens of milliseconds on a page's first call, so
   * the script tag never does before the first paint: an event recorded before it is known
   * (a device's very first page) gets it from the sender, on its way out.
   */
  timezone?: string;
  userAgent: string;
  screen: { width: number; height: number; density: number };
  library: { name: 'attune'; version: string };
}

/**
 * One recorded event, in the Segment Tracking API shape so any Segment-compatible
 * pipeline accepts it unchanged. `messageId` is set at birth and never changes.
 */
export interface AttuneEvent {
  type: EventType;
  /** The event name, for `track` events. */
  event?: string;
  /** The page name, for `page` events. */
  name?: string;
  properties?: JsonObject;
  /** For `identify`, the user's traits; for `group`, the account's. */
  traits?: JsonObject;
  /** For `alias`: the earlier id (anonymous or user) merged into `userId`. */
  previousId?: string;
  /** For `group`: the account the user belongs to. */
  groupId?: string;
  anonymousId: string;
  userId?: string;
  messageId: string;
  /** ISO 8601, when the event happened on the device. */
  timestamp: string;
  context: EventContext;
}
