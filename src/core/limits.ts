/**
 * The one set of limits the SDK and the collector share. The SDK refuses at birth
 * what the collector would refuse at the door, so a bad event never reaches the
 * outbox, and never shares a batch with good ones that it could sink. Pure data
 * and pure checks: no DOM, no Node.
 */

/** The largest event, in UTF-8 bytes of its JSON: Segment's HTTP Tracking API limit (32 KB). */
export const MAX_EVENT_BYTES = 32 * 1024;

/** The largest `POST /v1/batch` body, in bytes: Segment's batch limit (500 KB). */
export const MAX_BATCH_BYTES = 500 * 1024;

/** The longest event name, `messageId`, `anonymousId`, `userId` or placement id, in UTF-16 code units. */
export const MAX_ID_LENGTH = 200;

/**
 * The deepest nesting inside an event, counted from the event itself (its
 * `properties` are at depth 1). Deeper values make IndexedDB's structured clone and
 * recursive JSON code fail (a tree of 4,500 levels overflows Chromium's stack), and
 * no analytics property needs more than a few levels.
 */
export const MAX_DEPTH = 32;

/**
 * The largest conversion value the collector sums (in either sign): beyond it a
 * forged or broken event would swamp every revenue figure. The SDK leaves such a
 * value out of `Variant Converted`, so the conversion itself still counts.
 */
export const MAX_VALUE = 1e9;

/**
 * The window a `timestamp` must fall in: from 2000-01-01 (older is a broken clock
 * or a made-up date) to two days ahead of the receiver's clock (devices run fast;
 * Segment's libraries correct with `sentAt`, which Attune also sends).
 */
export const EARLIEST_TIMESTAMP = Date.UTC(2000, 0, 1);
/** How far ahead of the receiver's clock a `timestamp` may be, in ms (48 hours). */
export const MAX_FUTURE_MS = 48 * 3600_000;

/** Why `value` cannot be an id or event name (`what` names it in the message), or undefined when it can. */
export function idProblem(value: unknown, what: string): string | undefined {
  if (typeof value !== 'string' || !value.length || value.length > MAX_ID_LENGTH) {
    return `${what} must be a string of 1-${MAX_ID_LENGTH} characters` + (typeof value === 'string' && value.length ? `, not ${value.length}` : '');
  }
}

/**
 * True when `value` nests objects or arrays deeper than `max` levels (the value
 * itself is level 0). Iterative, so a hostile tree of any depth cannot overflow the
 * stack while being measured.
 */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (!item || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

// ISO 8601 date-time with a zone, as Date.prototype.toISOString and Segment's libraries write it:
// year, month, day, hour, minute, optional second and fraction, then Z or an offset.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// The instant `value` names, in ms since the epoch, or why it names none that is accepted.
function readTimestamp(value: unknown, now: number): number | string {
  const m = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null;
  if (!m) return 'must be an ISO 8601 date-time with a zone, e.g. 2024-05-01T12:00:00.000Z';
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((f) => Number(f ?? 0));
  if (month < 1 || month > 12) return `is not a real date: there is no month ${m[2]}`;
  if (hour > 23 || minute > 59 || second > 59) return `is not a real time of day: ${m[4]}:${m[5]}${m[6] ? `:${m[6]}` : ''}`;
  if (m[8] !== 'Z' && (Number(m[10]) > 23 || Number(m[11]) > 59)) return `has no real zone offset: ${m[8]}`;
  // Built field by field: Date.UTC maps years 0-99 to 1900-1999, setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // The fields round-trip only for a day the month has: 2024-02-31 would come back as 2 March.
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    date.setUTCFullYear(year, month, 0);
    return `is not a real date: ${MONTHS[month - 1]} ${year} has ${date.getUTCDate()} days`;
  }
  date.setUTCHours(hour, minute, second, Number((m[7] ?? '').padEnd(3, '0').slice(0, 3)));
  const offset = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60_000;
  const time = date.getTime() - offset;
  if (time < EARLIEST_TIMESTAMP) return `is before ${new Date(EARLIEST_TIMESTAMP).toISOString()}, the earliest accepted: the sender's date or clock is wrong`;
  if (time > now + MAX_FUTURE_MS) {
    return `is more than ${MAX_FUTURE_MS / 3600_000} hours ahead of the receiver's clock (${new Date(now).toISOString()}): the sender's clock is wrong`;
  }
  return time;
}

/**
 * Why `value` cannot be an event's `timestamp` when the receiver's clock reads `now`
 * (ms since the epoch), or undefined when it can. It must be an ISO 8601 date-time
 * with a zone naming a real calendar instant (no 31 February, no hour 24: `Date.parse`
 * rolls those over silently), within [{@link EARLIEST_TIMESTAMP}, now + {@link MAX_FUTURE_MS}].
 * The message says which rule failed.
 */
export function timestampProblem(value: unknown, now: number): string | undefined {
  const read = readTimestamp(value, now);
  return typeof read === 'string' ? read : undefined;
}

/** The instant an accepted `timestamp` names, in ms since the epoch, or undefined when {@link timestampProblem} refuses it. */
export function timestampTime(value: unknown, now: number): number | undefined {
  const read = readTimestamp(value, now);
  return typeof read === 'number' ? read : undefined;
}
