/**
 * What every PostgreSQL reader shares: the pool shape it needs, int8 values as numbers,
 * and a read-only snapshot so that the several statements of one read see one moment of
 * ingest (as SQLite's read transaction does).
 */
import type pg from 'pg';

/** The pool (or anything that checks clients out the same way) the readers run on. */
export type Pool = Pick<pg.Pool, 'query' | 'connect'>;

/**
 * A BIGINT or NUMERIC value as a number: `pg` hands int8 and `sum()` over as strings, and
 * every count, id and ms time here stays below 2^53. Null stays null.
 */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** {@link num}, keeping null. */
export const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : num(value));

/**
 * Runs `read` on one client inside `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`: every
 * statement sees the snapshot taken by the first, so rows read by two statements agree.
 */
export async function inSnapshot<T>(pool: Pool, read: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await read(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** pg's type ids of int8 and numeric, which it hands over as strings. */
const AS_NUMBER = new Set([20, 1700]);

/**
 * A `SELECT *` result's rows with int8 and numeric columns as numbers (found by each
 * field's type), so a row reads as SQLite's: for exports, whose tables have many columns.
 */
export function rowsAsSqlite(result: { rows: Record<string, unknown>[]; fields: { name: string; dataTypeID: number }[] }): Record<string, unknown>[] {
  const numeric = result.fields.filter((f) => AS_NUMBER.has(f.dataTypeID)).map((f) => f.name);
  if (numeric.length === 0) return result.rows;
  return result.rows.map((row) => {
    for (const name of numeric) row[name] = numOrNull(row[name]);
    return row;
  });
}
