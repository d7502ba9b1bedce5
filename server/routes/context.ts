/**
 * What every route handler is given.
 */
import type { CachedTable } from '../cooccurrence-cache';
import type { ConfigSource } from '../config-source';
import type { EventStore } from '../event-store';

/** The collector's shared state, handed to each route. */
export interface RouteContext {
  store: EventStore;
  /** Absent when the collector was started without a config file. */
  config: ConfigSource | undefined;
  cooccurrence: (site: string) => CachedTable;
  log: (message: string) => void;
}
