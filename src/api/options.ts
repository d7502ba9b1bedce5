import type { ErrorHandler } from '../core/errors';
import type { RetentionOptions } from '../store/event-log';
import type { ProfileOptions } from '../profile/profile';
import type { SyncOptions } from '../sync/sender';
import type { TriggerOptions } from '../recommend/triggers';

/** Which behaviour Attune records by itself; each is on unless set to `false`. */
export interface CaptureOptions {
  /** The first page view and every SPA route change. */
  pageViews?: boolean;
  /** Clicks on `[data-attune-track]` elements. */
  clicks?: boolean;
  /** Scroll-depth milestones 25/50/75/100 per page. */
  scrollDepth?: boolean;
  /** Engaged time per page (visible and active). */
  engagedTime?: boolean;
  /** LCP, CLS, INP, FCP and TTFB, loaded after start. */
  webVitals?: boolean;
}

/** Options of `createAttune`. Every one is optional. */
export interface AttuneOptions {
  /** The site's id; data of different sites never mix on one device. Default `"default"`. */
  site?: string;
  /**
   * The backend: events go to `{endpoint}/v1/batch` in Segment's batch shape, and
   * statistics come back from `{endpoint}/v1/stats`. Without it (and without a
   * `sync.transport`), events stay on the device.
   */
  endpoint?: string;
  /** Batching, retries and the outbox bound; or a `transport` of your own. */
  sync?: SyncOptions;
  /** Hears every problem; nothing Attune does throws into the page. */
  onError?: ErrorHandler;
  /** Also print each distinct problem to the console once. */
  debug?: boolean;
  /** Keep events in memory only until `consent('granted')`. Default false. */
  requireConsent?: boolean;
  /**
   * Treat Global Privacy Control and Do Not Track as a refusal. Default true; a
   * site that has the visitor's explicit consent may set false or call `consent('granted')`.
   */
  respectPrivacySignals?: boolean;
  /** Automatic capture: `false` for none, or switch each kind off. */
  capture?: CaptureOptions | false;
  /** How the profile learns (affinity half-life, session timeout, price bands). */
  profile?: Partial<ProfileOptions>;
  /**
   * The site config (segments, placements, statistics), as an object or JSON text;
   * see docs/config.md. Checked by `validateConfig`: problems are reported with their
   * JSON path and the valid parts still run.
   */
  config?: unknown;
  /**
   * Where to fetch the site config from, if not given as `config`. The copy cached in
   * IndexedDB is used at once and refreshed in the background when older than ten
   * minutes; a config that arrives during a page view applies to slots from the next view.
   */
  configUrl?: string;
  /** The product catalog for recommendation rows and trigger signals: `{ products: [...] }` or a list. */
  catalog?: unknown;
  /** Where to fetch the catalog from, if not given as `catalog`; cached in IndexedDB, refreshed hourly. */
  catalogUrl?: string;
  /** The trigger signals' timing: `cartAbandonedAfterMs` (1 hour), `newArrivalForMs` (14 days), … */
  triggers?: TriggerOptions;
  /**
   * Let Attune find the placements' elements (`data-attune-slot`, or a placement's
   * `selector`), show their variants and record impressions. Default true.
   */
  slots?: boolean;
  /** How much of the event log is kept (default the newest 5,000 events, 30 days). */
  retention?: Partial<RetentionOptions>;
}
