/**
 * Finding one visitor's rows in `events` and `interactions` without an index by
 * visitor: an index there cost ingest a quarter more CPU per event (bench/collector.mjs,
 * 147 against 118 µs), paid for every event to speed up a rare erasure. Instead the
 * table is read in windows of row ids (its primary key, so each window is a short range
 * read), with the event loop yielded to between windows: an erasure of a large history
 * takes longer, and never holds other requests for more than one window.
 */
import type { Db } from '../database';

/** Row ids read per window. */
export const SCAN_WINDOW = 5000;

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A scan of one table for rows of a site naming any of some visitors. */
export interface VisitorScan<Row> {
  /** Every matching row up to the table's newest at the start, a window at a time; `last` is where it stopped. */
  rows(site: string, visitors: readonly string[]): Promise<{ rows: Row[]; last: number }>;
  /** The matching rows after `last` (those stored meanwhile), at once: call inside the transaction that acts on them. */
  after(site: string, visitors: readonly string[], last: number): Row[];
}

/**
 * Prepares a scan of `table` selecting `columns` (with the row id as `id`) where
 * `column` is one of the visitors.
 */
export function createVisitorScan<Row extends { id: number }>(db: Db, table: string, columns: string, column: string): VisitorScan<Row> {
  const newest = db.prepare<[], { id: number | null }>(`SELECT max(rowid) AS id FROM ${table}`);
  const window = db.prepare<[number, number, string, string], Row>(
    `SELECT rowid AS id, ${columns} FROM ${table} WHERE rowid > ? AND rowid <= ? AND site = ? AND ${column} = ?`,
  );
  const read = (site: string, visitors: readonly string[], from: number, to: number) => visitors.flatMap((v) => window.all(from, to, site, v));
  return {
    async rows(site, visitors) {
      const last = newest.get()?.id ?? 0;
      const rows: Row[] = [];
      for (let from = 0; from < last; from += SCAN_WINDOW) {
        rows.push(...read(site, visitors, from, Math.min(from + SCAN_WINDOW, last)));
        await yieldToOthers();
      }
      return { rows, last };
    },
    after: (site, visitors, last) => read(site, visitors, last, Number.MAX_SAFE_INTEGER),
  };
}
