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
