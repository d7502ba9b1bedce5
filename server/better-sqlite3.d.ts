/**
 * The part of better-sqlite3's API the collector uses. The package ships no types and
 * @types/better-sqlite3 is not a dependency; this keeps the server strictly typed
 * without adding one.
 */
declare module 'better-sqlite3' {
  namespace BetterSqlite3 {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }
    interface Statement<Params extends unknown[] = unknown[], Row = unknown> {
      run(...params: Params): RunResult;
      get(...params: Params): Row | undefined;
      all(...params: Params): Row[];
      iterate(...params: Params): IterableIterator<Row>;
      /** Rows as arrays of column values instead of objects. */
      raw(toggle?: boolean): Statement<Params, unknown[]>;
    }
    interface Database {
      prepare<Params extends unknown[] = unknown[], Row = unknown>(sql: string): Statement<Params, Row>;
      exec(sql: string): Database;
      pragma(source: string, options?: { simple?: boolean }): unknown;
      /** The function run in a transaction; `.immediate` takes the write lock at BEGIN rather than at the first write. */
      transaction<F extends (...args: never[]) => unknown>(fn: F): F & { immediate: F; deferred: F; exclusive: F };
      close(): Database;
      readonly open: boolean;
    }
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      timeout?: number;
    }
  }
  const BetterSqlite3: {
    new (filename?: string, options?: BetterSqlite3.Options): BetterSqlite3.Database;
  };
  export = BetterSqlite3;
}
