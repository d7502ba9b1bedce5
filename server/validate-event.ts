/**
 * Validation of one event of a batch against the Segment Tracking API shape Attune
 * sends, plus the properties the collector aggregates ("Variant Viewed/Converted").
 * Every limit comes from src/core/limits.ts, the module the SDK checks events with
 * when they are recorded, so the SDK never sends what the collector would refuse.
 */
import { deeperThan, idProblem, MAX_DEPTH, MAX_EVENT_BYTES, MAX_VALUE, timestampTime, timestampProblem } from '../src/core/limits';
import { siteProblem } from './site';

/** One reason a request or an event was refused: the event's index in the batch (null for the request itself), the JSON path inside it, and what is wrong. */
export interface ValidationError {
  index: number | null;
  path: string;
  message: string;
}

/** An event that passed validation, with what the store needs already extracted. */
export interface ValidEvent {
  site: string;
  type: 'track' | 'page' | 'identify' | 'alias' | 'group';
  /** The track event's name, or null for the other types. */
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
  /**
   * The event as parsed at ingest, which `payload` serialises; absent on events read back
   * from storage. Read-only: looking into it spares parsing `payload` again.
   */
  raw?: Readonly<Record<string, unknown>>;
}

const TYPES = new Set(['track', 'page', 'identify', 'alias', 'group']);
// Attune's own events feed /v1/stats, so their properties are checked, not just stored.
const VARIANT_EVENTS = new Set(['Variant Viewed', 'Variant Converted']);

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

type Report = (path: string, message: string) => void;

function checkIds(raw: Record<string, unknown>, report: Report): void {
  const { anonymousId, userId } = raw;
  // Segment's libraries send `userId: null` for anonymous visitors; null reads as absent.
  if (anonymousId == null && userId == null) report('anonymousId', 'anonymousId or userId is required');
  for (const [key, value] of Object.entries({ anonymousId, userId })) {
    const problem = value == null ? undefined : idProblem(value, key);
    if (problem) report(key, problem);
  }
}

// Segment's alias merges previousId into userId (the id kept), and group names the
// account; without those ids the call says nothing the collector could act on.
function checkIdentityCall(raw: Record<string, unknown>, report: Report): void {
  if (raw.type === 'alias') {
    const problem = idProblem(raw.previousId, 'previousId');
    if (problem) report('previousId', problem);
    if (raw.userId == null) report('userId', 'an alias needs the userId that previousId is merged into');
    else if (raw.previousId === raw.userId) report('previousId', 'must differ from userId');
  } else if (raw.type === 'group') {
    const problem = idProblem(raw.groupId, 'groupId');
    if (problem) report('groupId', problem);
  }
}

function checkVariantProperties(properties: Record<string, unknown>, report: Report): void {
  for (const key of ['placement', 'variant']) {
    const problem = idProblem(properties[key], key);
    if (problem) report(`properties.${key}`, problem);
  }
  const { segment } = properties;
  const problem = segment == null ? undefined : idProblem(segment, 'segment');
  if (problem) report('properties.segment', `${problem}, or null`);
  // The report keeps control and treatment apart and sums values, so both must be what they say.
  const { group, value, currency } = properties;
  if (group != null && group !== 'treatment' && group !== 'holdout') report('properties.group', 'must be "treatment" or "holdout"');
  if (value != null && !(typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_VALUE)) {
    report('properties.value', `must be a finite number of at most ${MAX_VALUE} in size`);
  }
  if (currency != null && !(typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency))) report('properties.currency', 'must be a three-letter ISO 4217 code');
}

// The first top-level field nesting deeper than MAX_DEPTH (the event is level 0, so a
// field's own value starts at level 1), checked before anything recursive touches the
// event: JSON.stringify of a 4,500-level tree throws a RangeError.
function tooDeep(raw: Record<string, unknown>): string | undefined {
  // One walk for the usual, shallow event; the field is looked for only in a deep one.
  if (!deeperThan(raw, MAX_DEPTH)) return undefined;
  return Object.keys(raw).find((key) => deeperThan(raw[key], MAX_DEPTH - 1));
}

/**
 * Checks one event; reports each problem through `report` (path relative to the
 * event) and returns the valid event, or null when anything was reported.
 * `site` is the request's site, if it named one; otherwise the event's
 * `context.site`, otherwise `fallbackSite`, applies. `now` is the receiver's clock,
 * which bounds how far ahead a timestamp may be.
 */
export function validateEvent(raw: unknown, site: string | null, fallbackSite: string, now: number, report: Report): ValidEvent | null {
  let failed = false;
  const fail: Report = (path, message) => {
    failed = true;
    report(path, message);
  };
  if (!isObject(raw)) {
    fail('', 'an event must be a JSON object');
    return null;
  }
  const deep = tooDeep(raw);
  if (deep !== undefined) {
    fail(deep, `nests deeper than ${MAX_DEPTH} levels`);
    return null;
  }
  const payload = JSON.stringify(raw);
  // A UTF-16 code unit is at most 3 UTF-8 bytes, so short payloads need no byte count.
  if (payload.length * 3 > MAX_EVENT_BYTES) {
    const bytes = Buffer.byteLength(payload);
    if (bytes > MAX_EVENT_BYTES) fail('', `event is ${bytes} bytes; at most ${MAX_EVENT_BYTES} are accepted`);
  }
  const { type, event, name, messageId, timestamp } = raw;
  if (typeof type !== 'string' || !TYPES.has(type)) fail('type', 'must be "track", "page", "identify", "alias" or "group"');
  const messageIdProblem = idProblem(messageId, 'messageId');
  if (messageIdProblem) fail('messageId', messageIdProblem);
  const time = timestampTime(timestamp, now);
  if (time === undefined) fail('timestamp', timestampProblem(timestamp, now)!);
  checkIds(raw, fail);
  checkIdentityCall(raw, fail);
  const eventProblem = type === 'track' ? idProblem(event, 'a track event name') : undefined;
  if (eventProblem) fail('event', eventProblem);
  if (name != null && typeof name !== 'string') fail('name', 'must be a string');
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
    time: time!,
    anonymousId: (raw.anonymousId as string | null | undefined) ?? null,
    userId: (raw.userId as string | null | undefined) ?? null,
    properties,
    payload,
    raw,
  };
}
