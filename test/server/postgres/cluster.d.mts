/** Where the PostgreSQL binaries are looked for. */
export const PG_BIN: string;
/** The cluster's superuser (trust authentication). */
export const PG_USER: string;
/** Why PostgreSQL cannot run here, or null when it can. */
export function missingPostgres(): string | null;
/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;

/** A running throwaway cluster. */
export interface Cluster {
  /** The temporary folder holding data, socket and log; removed by `stop`. */
  dir: string;
  host: string;
  port: number;
  user: string;
  /** A connection string for `database` (default `postgres`). */
  url(database?: string): string;
  /** Stops the server and removes its folder (synchronous). */
  stop(): void;
}

/** Creates and starts a cluster; `durable: false` (default) turns fsync off. */
export function startCluster(options?: { durable?: boolean }): Promise<Cluster>;
