/**
 * Validation of one event of a batch against the Segment Tracking API shape Attune
 * sends, plus the properties the collector aggregates ("Variant Viewed/Converted").
 */
import { MAX_EVENT_BYTES } from './limits';
import { siteProblem } from './site';

/** One reason a request was refused: the event's index in the batch (null for the request itself), the JSON path inside it, and what is wrong. */
export interface ValidationError {
  index: number | null;
  path: string;
  message: string;
}

/** An event that passed validation, with what the store needs already extracted. */
export interface ValidEvent {
  site: string;
  type: 'track' | 'page' | 'identify';
  /** The track event's name, or null for page and identify. */
  event: string | null;
  messageId: string;
  timestamp: string;
  /** `timestamp` in milliseconds since the epoch. */
  time: number;
  anonymousId: string | null;
  userId: string | null;
  properties: Record<string, unknown>;
  /** The event exactly as received, serialised: what is stored. */
  payload: string;
}

const TYPES = new Set(['track', 'page', 'identify']);
const MAX_ID = 200;
// ISO 8601 date-time with a zone, as Date.prototype.toISOString and Segment's libraries write it.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
// Attune's own events feed /v1/stats, so their properties are checked, not just stored.
const VARIANT_EVENTS = new Set(['Variant Viewed', 'Variant Converted']);

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isIdString = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;

/** True for an ISO 8601 date-time string with a zone that names a real instant. */
export function isIsoDateTime(v: unknown): v is string {
  return typeof v === 'string' && ISO_DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
}

type Report = (path: string, message: string) => void;

function checkIds(raw: Record<string, unknown>, report: Report): void {
  const { anonymousId, userId } = raw;
  // Segment's libraries send `userId: null` for anonymous visitors; null reads as absent.
  if (anonymousId == null && userId == null) report('anonymousId', 'anonymousId or userId is required');
  if (anonymousId != null && !isIdString(anonymousId)) report('anonymousId', `must be a string of 1-${MAX_ID} characters`);
  if (userId != null && !isIdString(userId)) report('userId', `must be a string of 1-${MAX_ID} characters`);
}

function checkVariantProperties(properties: Record<string, unknown>, report: Report): void {
  for (const key of ['placement', 'variant']) {
    if (!isIdString(properties[key])) report(`properties.${key}`, `must be a string of 1-${MAX_ID} characters`);
  }
  const { segment } = properties;
  if (segment !== undefined && segment !== null && !isIdString(segment)) {
    report('properties.segment', `must be a string of 1-${MAX_ID} characters or null`);
  }
}

/**
 * Checks one event; reports each problem through `report` (path relative to the
 * event) and returns the valid event, or null when anything was reported.
 * `site` is the request's site, if it named one; otherwise the event's
 * `context.site`, otherwise the default, applies.
 */
export function validateEvent(raw: unknown, site: string | null, fallbackSite: string, report: Report): ValidEvent | null {
  let failed = false;
  const fail: Report = (path, message) => {
    failed = true;
    report(path, message);
  };
  if (!isObject(raw)) {
    fail('', 'an event must be a JSON object');
    return null;
  }
  const payload = JSON.stringify(raw);
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short payloads need no byte count.
  if (payload.length * 3 > MAX_EVENT_BYTES) {
    const bytes = Buffer.byteLength(payload);
    if (bytes > MAX_EVENT_BYTES) fail('', `event is ${bytes} bytes; at most ${MAX_EVENT_BYTES} are accepted`);
  }
  const { type, event, name, messageId, timestamp } = raw;
  if (typeof type !== 'string' || !TYPES.has(type)) fail('type', 'must be "track", "page" or "identify"');
  if (!isIdString(messageId)) fail('messageId', `must be a string of 1-${MAX_ID} characters`);
  if (!isIsoDateTime(timestamp)) fail('timestamp', 'must be an ISO 8601 date-time with a zone, e.g. 2024-05-01T12:00:00.000Z');
  checkIds(raw, fail);
  if (type === 'track' && !isIdString(event)) fail('event', `a track event needs an event name of 1-${MAX_ID} characters`);
  if (name !== undefined && name !== null && typeof name !== 'string') fail('name', 'must be a string');
  for (const key of ['properties', 'traits', 'context']) {
    if (raw[key] !== undefined && !isObject(raw[key])) fail(key, 'must be an object');
  }
  const properties = isObject(raw.properties) ? raw.properties : {};
  if (type === 'track' && typeof event === 'string' && VARIANT_EVENTS.has(event)) checkVariantProperties(properties, fail);
  const contextSite = isObject(raw.context) ? raw.context.site : undefined;
  if (site === null && contextSite !== undefined && siteProblem(contextSite)) fail('context.site', siteProblem(contextSite)!);
  if (failed) return null;
  return {
    site: site ?? (contextSite as string | undefined) ?? fallbackSite,
    type: type as ValidEvent['type'],
    event: type === 'track' ? (event as string) : null,
    messageId: messageId as string,
    timestamp: timestamp as string,
    time: Date.parse(timestamp as string),
    anonymousId: (raw.anonymousId as string | null | undefined) ?? null,
    userId: (raw.userId as string | null | undefined) ?? null,
    properties,
    payload,
  };
}
