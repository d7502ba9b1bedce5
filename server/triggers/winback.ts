/**
 * Win-back on the collector: a customer (one order at least) with no visit for the
 * site's `winBackDays`. Armed by each order; the detector pushes it back whenever the
 * customer has visited since, and after it fires it stays armed, looked at again a
 * window later: a new absence (after a new visit) is a new cause, the same one is not.
 */
import type { DueDetector, PendingStore } from './pending';

const DAY = 864e5;

/** Arms (or moves later) the win-back of a customer who ordered at `time`. */
export function armWinBack(pending: PendingStore, site: string, visitor: string, time: number, days: number): void {
  pending.arm(site, visitor, 'winback', '', time, time + days * DAY);
}

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
