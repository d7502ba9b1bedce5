// @vitest-environment node
// Every table a running collector creates that names a visitor is one erasure and export
// walk: found from the database's own columns, so a new table that names visitors and is
// missing from server/erasure/schema.ts fails here, not in a visitor's request to be forgotten.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LINK_TABLES, VISITOR_TABLES } from '../../server/erasure/schema';
import { PER_VISITOR } from './erasure-fixtures';
import { startTestCollector, type TestCollector } from './helpers';

// Columns that hold a visitor's id, whatever the table calls it.
const PERSONAL_COLUMNS = new Set(['visitor', 'anonymous_id', 'user_id']);
// Named apart: events by two columns (server/erasure), and erasure keys, which outlive an erasure as its record.
const APART = new Set(['events', 'erasure_keys']);

let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  c = undefined;
});

describe('the erasure table list', () => {
  it('names every table with a visitor column, and no table the collector lacks', async () => {
    c = await startTestCollector();
    const db = new Database(c.dbFile, { readonly: true });
    const columns = new Map<string, string[]>();
    try {
      for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) {
        columns.set(name, (db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((col) => col.name));
      }
    } finally {
      db.close();
    }
    const personal = [...columns].filter(([, cols]) => cols.some((col) => PERSONAL_COLUMNS.has(col))).map(([table]) => table);
    const listed = new Set([...VISITOR_TABLES.map((t) => t.table), ...LINK_TABLES.map((t) => t.table)]);
    expect(personal.filter((table) => !APART.has(table) && !listed.has(table))).toEqual([]);
    expect([...listed].filter((table) => !columns.has(table))).toEqual([]);
    for (const { table, column } of VISITOR_TABLES) expect(columns.get(table), table).toContain(column);
    // The erasure tests' own list covers the same tables, so they look wherever erasure must.
    expect(Object.keys(PER_VISITOR).sort()).toEqual([...listed, ...APART].sort());
  });
});
