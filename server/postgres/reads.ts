/**
 * Every PostgreSQL read the collector's routes need, over one pool: the factory the
 * collector calls once at start for `--db postgres://…` (after `migratePostgres`).
 * Writes (batches, the fold) are the writer's (server/postgres/writer*.ts).
 */
import type { CoocSettings } from '../cooc/options';
import type { ReadReportRows } from '../report-store';
import { createPullReads, type PullReads } from './read-pulls';
import { createReportReads } from './read-report';
import type { Pool } from './read-snapshot';
import { createStatsReads, memoisedTokens, type StatsReads } from './read-stats';

/** Options of {@link createPostgresReads}. */
export interface PostgresReadsOptions {
  /** The collector's co-occurrence settings (scoring and half-lives of the served bodies). */
  cooc: Pick<CoocSettings, 'scoring' | 'rates'>;
  /** Drains the fold queue (blocking on the fold lock) before stats and report reads; none by default. */
  settle?: () => Promise<void>;
  /** How long a change token read is reused, in ms (default 250, one fold interval). */
  tokenMemoMs?: number;
}

/** The reads: `/v1/stats`, the change tokens a cache checks, the pulls and the report's rows. */
export interface PostgresReads {
  variantTotals: StatsReads['variantTotals'];
  /** Memoised for `tokenMemoMs`: a cache compares it with the token its body was built at. */
  changeToken: StatsReads['changeToken'];
  pulls: PullReads;
  reportRows: ReadReportRows;
}

/** Creates the reads over a pool of a migrated database. */
export function createPostgresReads(pool: Pool, { cooc, settle, tokenMemoMs = 250 }: PostgresReadsOptions): PostgresReads {
  const stats = createStatsReads(pool, settle);
  return {
    variantTotals: stats.variantTotals,
    changeToken: memoisedTokens(stats.changeToken, tokenMemoMs),
    pulls: createPullReads(pool, cooc),
    reportRows: createReportReads(pool, settle),
  };
}
