/**
 * Win-back on the collector: a customer (one order at least) with no visit for the
 * site's `winBackDays`. Armed by each order; the detector pushes it back whenever the
 * customer has visited since, and after it fires it stays armed, looked at again a
 * window later: a new absence (after a new visit) is a new cause, the same one is not.
 */
import type { DueDetector } from './pending';

/** A day in ms: an order arms (or moves later) the win-back, due `winBackDays` of these after it (fold.ts). */
export const WINBACK_DAY_MS = 864e5;
const DAY = WINBACK_DAY_MS;

/** The detector. */
export const winBackDetector: DueDetector = {
  kind: 'winback',
  event: 'Win-back',
  windowMs: (timing) => timing.winBackDays * DAY,
  recurring: true,
  fire(_row, visitor, now) {
    if (visitor.orders === 0) return null;
    return {
      // One signal per absence: the last visit it follows.
      cause: String(visitor.last_seen),
      properties: { last_seen_at: new Date(visitor.last_seen).toISOString(), days_since_visit: Math.floor((now - visitor.last_seen) / DAY), orders: visitor.orders },
    };
  },
};
