/**
 * What every route handler is given.
 */
import type { ConfigSource } from '../config-source';
import type { EventStore } from '../event-store';
import type { CachedTable } from '../site-cache';

/** The collector's shared state, handed to each route. */
export interface RouteContext {
  store: EventStore;
  /** Absent when the collector was started without a config file. */
  config: ConfigSource | undefined;
  /** A site's `/v1/cooccurrence` body, cached until its product events change. */
  cooccurrence: (site: string) => CachedTable;
  /** A site's `/v1/popular` body, cached the same way. */
  popular: (site: string) => CachedTable;
  log: (message: string) => void;
  /** The collector's clock, in ms since the epoch: what timestamps are judged against. */
  clock: () => number;
}
