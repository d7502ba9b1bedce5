import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createFoldStep } from '../../../server/aggregate-fold';
import { openDatabase } from '../../../server/database';
import { checkMigrations, migratePostgres, MIGRATION_LOCK } from '../../../server/postgres/migrate';
import { MIGRATIONS, POSTGRES_ONLY_COLUMNS, POSTGRES_SCHEMA_VERSION, REPLACED_ON_POSTGRES } from '../../../server/postgres/schema';
import { COMPATIBLE_TYPES, postgresShapes, sqliteShapes } from './catalog';
import { describePostgres, freshDatabase } from './database';

const open: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.end()));
});

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client(url);
  await client.connect();
  open.push(client);
  return client;
}

const tables = async (client: pg.Client) =>
  (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).rows.map((r) => r.tablename);

const versions = async (client: pg.Client) => (await client.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).rows.map((r) => r.version);

describe('checkMigrations', () => {
  it('accepts the shipped list and names the entry that is out of order or empty', () => {
    expect(() => checkMigrations(MIGRATIONS)).not.toThrow();
    expect(() => checkMigrations([MIGRATIONS[1]])).toThrow('migrations[0].version is 2; expected 1');
    expect(() => checkMigrations([{ version: 1, name: 'x', sql: ' ' }])).toThrow('migrations[0].sql is empty');
  });
});

describePostgres('PostgreSQL migrations', () => {
  it('migrate a fresh database to the latest version, and a second run changes nothing', async () => {
    const client = await connect(await freshDatabase());
    expect(await migratePostgres(client)).toEqual({ from: 0, to: POSTGRES_SCHEMA_VERSION, applied: MIGRATIONS.map((m) => m.version) });
    expect(await versions(client)).toEqual(MIGRATIONS.map((m) => m.version));
    const before = await tables(client);
    expect(before).toContain('events');
    expect(await migratePostgres(client)).toEqual({ from: POSTGRES_SCHEMA_VERSION, to: POSTGRES_SCHEMA_VERSION, applied: [] });
    expect(await tables(client)).toEqual(before);
    expect(await versions(client)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('two collectors migrating at once: one applies everything, the other waits and finds it done', async () => {
    const url = await freshDatabase();
    const [a, b] = [await connect(url), await connect(url)];
    const results = await Promise.all([migratePostgres(a), migratePostgres(b)]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, MIGRATIONS.length]);
    expect(results.every((r) => r.to === POSTGRES_SCHEMA_VERSION)).toBe(true);
    expect(await versions(a)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('waits while another session holds the migration lock, then migrates', async () => {
    const url = await freshDatabase();
    const [holder, migrating] = [await connect(url), await connect(url)];
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    let settled = false;
    const pending = migratePostgres(migrating).finally(() => (settled = true));
    // The migrating session is seen waiting for the advisory lock, and has not finished.
    for (const deadline = Date.now() + 10_000; ; ) {
      const locks = await holder.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
      if (locks.rows.length > 0) break;
      expect(Date.now() < deadline && !settled, 'the migration waits for the advisory lock').toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(settled).toBe(false);
    expect(await tables(holder)).toEqual([]);
    await holder.query('COMMIT');
    expect((await pending).applied).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('gives up after lockWaitMs with a message saying another collector holds the lock', async () => {
    const url = await freshDatabase();
    const [holder, migrating] = [await connect(url), await connect(url)];
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await expect(migratePostgres(migrating, { lockWaitMs: 100 })).rejects.toThrow('another collector held the schema migration lock for over 100 ms');
    await holder.query('ROLLBACK');
    expect(await tables(migrating)).toEqual([]);
  });

  it('a failing migration keeps nothing of the run, and names itself', async () => {
    const client = await connect(await freshDatabase());
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (a INTEGER); SELECT no_such_function()' }];
    await expect(migratePostgres(client, { migrations: broken })).rejects.toThrow(`PostgreSQL migration ${broken.length} (broken) failed: function no_such_function() does not exist`);
    expect(await tables(client)).toEqual([]);
    await migratePostgres(client);
    await expect(migratePostgres(client, { migrations: broken })).rejects.toThrow('(broken) failed');
    expect(await tables(client)).not.toContain('half');
    expect(await versions(client)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('refuses a database a newer collector migrated', async () => {
    const client = await connect(await freshDatabase());
    await migratePostgres(client);
    await client.query("INSERT INTO schema_version (version, name) VALUES (99, 'from the future')");
    await expect(migratePostgres(client)).rejects.toThrow(`written by a newer collector (PostgreSQL schema 99; this one knows ${POSTGRES_SCHEMA_VERSION})`);
  });

  it('has every table of a migrated SQLite file, with the same columns, keys and named indexes', async () => {
    const client = await connect(await freshDatabase());
    await migratePostgres(client);
    const db = openDatabase(':memory:');
    createFoldStep(db, () => undefined); // creates the fold's own table, as a running collector does
    const sqlite = sqliteShapes(db);
    db.close();
    const postgres = await postgresShapes(client);

    expect(sqlite.size).toBeGreaterThan(15);
    for (const [table, shape] of sqlite) {
      if (table in REPLACED_ON_POSTGRES) {
        expect(postgres.has(table), `${table} is replaced on PostgreSQL`).toBe(false);
        expect(postgres.has(REPLACED_ON_POSTGRES[table].split(':')[0]), `${table}'s replacement`).toBe(true);
        continue;
      }
      const pgShape = postgres.get(table);
      expect(pgShape, `table ${table} on PostgreSQL`).toBeDefined();
      const extra = POSTGRES_ONLY_COLUMNS[table] ?? [];
      const pgColumns = pgShape!.columns.filter((c) => !extra.includes(c.name));
      expect(pgColumns.map((c) => c.name), `${table}'s columns`).toEqual(shape.columns.map((c) => c.name));
      shape.columns.forEach((column, i) => {
        const where = `${table}.${column.name}`;
        expect(COMPATIBLE_TYPES[column.type], `${where}: SQLite type ${column.type}`).toContain(pgColumns[i].type);
        expect(pgColumns[i].notNull, `${where} NOT NULL`).toBe(column.notNull);
        expect(pgColumns[i].default, `${where} DEFAULT`).toBe(column.default);
      });
      const pgKeys = pgShape!.uniqueKeys.filter((key) => !key.split(',').some((c) => extra.includes(c)));
      expect(pgKeys, `${table}'s primary and unique keys`).toEqual(shape.uniqueKeys);
      expect(pgShape!.indexes, `${table}'s indexes`).toEqual(shape.indexes);
    }
    // And nothing else, but the tables only PostgreSQL needs.
    const replacements = Object.values(REPLACED_ON_POSTGRES).map((why) => why.split(':')[0]);
    const others = [...postgres.keys()].filter((table) => !sqlite.has(table)).sort();
    expect(others).toEqual([...new Set([...replacements, 'change_tokens', 'schema_version'])].sort());
  });
});
