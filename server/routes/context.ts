/**
 * What every route handler is given.
 */
import type { AdminGuard } from '../admin';
import type { ConfigSource } from '../config-source';
import type { VisitorLookup } from '../erasure/lookup';
import type { ErasureStore } from '../erasure/store';
import type { EventStore } from '../event-store';
import type { RepeatLog } from '../repeat-log';
import type { ReadReportRows } from '../report-store';
import type { TableCache } from '../site-cache';
import type { SiteRegistry } from '../sites';
import type { Triggers } from '../triggers/service';
import type { WriteLimiter } from '../rate-limit';

/** The collector's shared state, handed to each route. */
export interface RouteContext {
  store: EventStore;
  /** The sites served, with their keys and settings. */
  sites: SiteRegistry;
  /** Rate limits on writes; absent when they are off. */
  limiter?: WriteLimiter;
  /** Trigger detection and webhooks: the stored catalog `PUT /v1/catalog` replaces. */
  triggers: Triggers;
  /** Guards the report and the dashboard. */
  admin: AdminGuard;
  /** Erasure keys and the erasure of visitors (`/v1/forget`, `DELETE /v1/visitors`). */
  erasure: ErasureStore;
  /** Finds a person's ids and exports what is held about them. */
  visitors: VisitorLookup;
  /** Reads the report's aggregate rows. */
  report: ReadReportRows;
  /** Absent when the collector was started without a config file. */
  config: ConfigSource | undefined;
  /** A site's `/v1/cooccurrence` and `/v1/popular` bodies, rebuilt off the event loop when its product events change. */
  tables: TableCache;
  /** Where problems go: each logged once in full, then counted (see repeat-log.ts). */
  problem: RepeatLog;
  /** The collector's clock, in ms since the epoch: what timestamps are judged against. */
  clock: () => number;
  /** How long a request body may take to arrive once its headers have, in ms. */
  bodyTimeoutMs: number;
}
