/**
 * Win-back on the collector: a customer (one order at least) with no visit for the
 * site's `winBackDays`. Armed at ingest for every customer seen; the detector pushes
 * it back whenever the customer has visited since, so it fires once per absence.
 */
import type { DueDetector, PendingStore } from './pending';
import type { VisitorRow } from './visitors';

const DAY = 864e5;

/** Arms the win-back of a customer seen in a batch (leaving an armed one as it is). */
export function armWinBack(pending: PendingStore, visitor: VisitorRow, days: number): void {
  if (visitor.orders > 0) pending.arm(visitor.site, visitor.visitor, 'winback', '', visitor.last_seen, visitor.last_seen + days * DAY, true);
}

/** The detector. */
export const winBackDetector: DueDetector = {
  kind: 'winback',
  event: 'Win-back',
  windowMs: (timing) => timing.winBackDays * DAY,
  fire(_row, visitor, now) {
    if (visitor.orders === 0) return null;
    return {
      // One signal per absence: the last visit it follows.
      cause: String(visitor.last_seen),
      properties: { last_seen_at: new Date(visitor.last_seen).toISOString(), days_since_visit: Math.floor((now - visitor.last_seen) / DAY), orders: visitor.orders },
    };
  },
};
