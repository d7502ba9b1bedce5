/**
 * The few shapes every PostgreSQL statement of the write path takes: a transaction on a
 * pooled client with its retries, multi-row writes as one `unnest` statement whatever the
 * number of rows, and keyed reads with one `= ANY`-style statement per table.
 *
 * Why `unnest` rather than a VALUES list: one array parameter per column, so the text (and
 * the server's parse) is the same for 1 row or 5,000, and no statement nears the 65,535
 * parameters a VALUES list of a large fold would need (server/postgres/DESIGN.md).
 */
import pg from 'pg';

/** What a statement runs on: a client checked out of the pool (inside a transaction), or the pool. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

/** PostgreSQL column types the write path sends as arrays. */
export type ColumnType = 'text' | 'bigint' | 'integer' | 'double precision';

/** A column of an unnest write or a keyed read: its name and type. */
export type Column = readonly [name: string, type: ColumnType];

/**
 * Parsers for the pool: int8 (`count(*)`, BIGINT columns) and numeric (`sum(bigint)`) come
 * back as strings by default; every id and ms time here stays below 2^53, so they are numbers.
 */
export const POSTGRES_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** A pool whose integers come back as numbers ({@link POSTGRES_TYPES}). */
export function createPostgresPool(config: string | pg.PoolConfig): pg.Pool {
  const options = typeof config === 'string' ? { connectionString: config } : config;
  return new pg.Pool({ ...options, types: POSTGRES_TYPES });
}

// 40001 serialization_failure, 40P01 deadlock_detected: the transaction did nothing and may simply run again.
const RETRYABLE = new Set(['40001', '40P01']);

/** Whether `error` is one a transaction is retried for. */
export const isRetryable = (error: unknown): boolean => RETRYABLE.has((error as { code?: string } | null)?.code ?? '');

/**
 * Runs `work` in one transaction on a client of `pool`, committing what it returns; a
 * serialisation failure or deadlock rolls back and runs it again (up to `attempts` times,
 * after 2, 4, 8… ms), any other error rolls back and rejects.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The connection is gone: PostgreSQL rolled back with it; the client is not reused.
        broken = true;
      }
      if (!isRetryable(error) || attempt >= attempts) throw error;
    } finally {
      client.release(broken);
    }
    await new Promise((resolve) => setTimeout(resolve, 2 ** Math.min(attempt, 6)));
  }
}

/** Columns of `rows` as arrays, one per column: the parameters of an unnest statement. */
export function columnsOf(rows: readonly (readonly unknown[])[], width: number): unknown[][] {
  const out = Array.from({ length: width }, () => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r++) for (let c = 0; c < width; c++) out[c][r] = rows[r][c] ?? null;
  return out;
}

/** `unnest($1::text[], $2::bigint[], …) AS alias(name, …)` over `columns`, parameters from `$from`. */
export function unnestOf(columns: readonly Column[], alias = 'r', from = 1): string {
  return `unnest(${columns.map(([, type], i) => `$${i + from}::${type}[]`).join(', ')}) AS ${alias}(${columns.map(([name]) => name).join(', ')})`;
}

/**
 * Splits rows into rounds in which no key repeats, keeping each key's rows in order: an
 * `ON CONFLICT DO UPDATE` may not touch one row twice in a statement, and a round per
 * repeat gives the result of running the rows one by one, as SQLite does.
 */
export function roundsByKey<R extends readonly unknown[]>(rows: readonly R[], keyWidth: number): R[][] {
  const rounds: R[][] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = JSON.stringify(row.slice(0, keyWidth));
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (rounds[round] ??= []).push(row);
  }
  return rounds;
}

/**
 * Prepares `INSERT INTO table (columns) SELECT * FROM unnest(…) <tail>` and returns a writer
 * of rows (in column order) that sends one statement per round of distinct keys (the
 * first `keyWidth` columns; 0 for an insert that never conflicts), nothing for no rows.
 */
export function unnestWriter(table: string, columns: readonly Column[], tail: string, keyWidth = 0) {
  const text = `INSERT INTO ${table} (${columns.map(([name]) => name).join(', ')}) SELECT * FROM ${unnestOf(columns)} ${tail}`;
  return async (client: Queryable, rows: readonly (readonly unknown[])[]): Promise<void> => {
    if (rows.length === 0) return;
    for (const round of keyWidth ? roundsByKey(rows, keyWidth) : [rows]) await client.query(text, columnsOf(round, columns.length));
  };
}

/** Prepares `DELETE FROM table WHERE (keys) IN (unnest …) <and>`; a deleter of key rows. */
export function unnestDeleter(table: string, keys: readonly Column[], and = '') {
  const text = `DELETE FROM ${table} WHERE (${keys.map(([name]) => name).join(', ')}) IN (SELECT * FROM ${unnestOf(keys)}) ${and}`;
  return async (client: Queryable, rows: readonly (readonly unknown[])[]): Promise<void> => {
    if (rows.length > 0) await client.query(text, columnsOf(rows, keys.length));
  };
}

/**
 * Prepares a read of `columns` of `table`'s rows whose `keys` are among the key tuples
 * given: one statement whatever their number, rows as arrays (as fold-load.ts reads SQLite).
 */
export function unnestReader(table: string, keys: readonly Column[], columns: string) {
  const text = `SELECT ${columns} FROM ${table} WHERE (${keys.map(([name]) => name).join(', ')}) IN (SELECT * FROM ${unnestOf(keys)})`;
  return async (client: Queryable, tuples: readonly (readonly unknown[])[]): Promise<unknown[][]> => {
    if (tuples.length === 0) return [];
    return (await client.query({ text, values: columnsOf(tuples, keys.length), rowMode: 'array' })).rows as unknown[][];
  };
}
