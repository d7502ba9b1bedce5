/**
 * Applies the PostgreSQL migrations (./schema.ts) at start, safely when several collectors
 * start at once against one database.
 *
 * Everything pending runs in one transaction that first takes a transaction-scoped advisory
 * lock: a second collector starting meanwhile waits on that lock, and once the first commits
 * it reads the version again and finds nothing to do. A failed migration rolls back whole,
 * so a database is always at one of the listed versions. `schema_version` has one row per
 * applied migration (its number, name and when), so an operator sees the history with psql.
 */
import { MIGRATIONS, type Migration } from './schema';

/** One database session (a `pg.Client` or a client checked out of a `pg.Pool`), not a pool. */
export interface Session {
  query<R = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** What a call to {@link migratePostgres} did. */
export interface MigrationResult {
  /** The version found (0 for an empty database). */
  from: number;
  /** The version the database is at now. */
  to: number;
  /** The versions this call applied, in order (empty when another collector had already). */
  applied: number[];
}

/** The advisory lock key every collector takes to migrate (the bytes of "attune"). */
export const MIGRATION_LOCK = 0x617474756e65;

/** How long a collector waits, by default, for another one's migration, in ms. */
export const DEFAULT_LOCK_WAIT_MS = 300_000;

/**
 * Throws, naming the entry, unless `migrations` are numbered 1, 2, … in order, each with a
 * name and statements. Pure; run on every migration so a bad list fails before any SQL.
 */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const where = `migrations[${index}]`;
    if (migration.version !== index + 1) throw new Error(`${where}.version is ${migration.version}; expected ${index + 1} (numbered from 1, no gaps)`);
    if (!migration.name.trim()) throw new Error(`${where}.name is empty`);
    if (!migration.sql.trim()) throw new Error(`${where}.sql is empty`);
  });
}

/**
 * Brings the database `session` is connected to up to the last of `migrations`. Waits up to
 * `lockWaitMs` for a migration another collector is running. Throws for a database written
 * by a newer collector, and when a statement fails (naming the migration; nothing is kept).
 */
export async function migratePostgres(
  session: Session,
  { migrations = MIGRATIONS, lockWaitMs = DEFAULT_LOCK_WAIT_MS }: { migrations?: readonly Migration[]; lockWaitMs?: number } = {},
): Promise<MigrationResult> {
  checkMigrations(migrations);
  const latest = migrations.length;
  await session.query('BEGIN');
  try {
    // lock_timeout bounds the wait for the advisory lock too: a collector whose peer hangs mid-migration says so.
    await session.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockWaitMs))}`);
    await session.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]).catch((error: { code?: string }) => {
      if (error.code !== '55P03') throw error;
      throw new Error(`another collector held the schema migration lock for over ${lockWaitMs} ms; is one stuck migrating?`, { cause: error });
    });
    await session.query(
      `CREATE TABLE IF NOT EXISTS schema_version (
         version    INTEGER PRIMARY KEY,
         name       TEXT        NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const found = await session.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version');
    const from = found.rows[0]?.version ?? 0;
    if (from > latest) {
      throw new Error(`the database was written by a newer collector (PostgreSQL schema ${from}; this one knows ${latest}); upgrade attune`);
    }
    const applied: number[] = [];
    for (const migration of migrations.slice(from)) {
      try {
        await session.query(migration.sql);
      } catch (error) {
        throw new Error(`PostgreSQL migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`, { cause: error });
      }
      await session.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    }
    await session.query('COMMIT');
    return { from, to: Math.max(from, latest), applied };
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
