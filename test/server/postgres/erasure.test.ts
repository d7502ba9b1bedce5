// Erasure and export on PostgreSQL answer as SQLite's over copied state: the person's ids by
// user and by e-mail, the export document, the key checks, and an erasure that deletes the
// same rows from every table.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createVisitorLookup, type VisitorExport } from '../../../server/erasure/lookup';
import { createErasureStore, secretHash } from '../../../server/erasure/store';
import { createPostgresErasure } from '../../../server/postgres/erasure';
import { createPostgresLookup, emailMatches } from '../../../server/postgres/erasure-lookup';
import { migratePostgres } from '../../../server/postgres/migrate';
import { POSTGRES_ONLY_COLUMNS, REPLACED_ON_POSTGRES } from '../../../server/postgres/schema';
import { traitDigest } from '../../../server/sensitive-traits';
import { T0 } from '../fold/fold-fixtures';
import { copyIntoPool } from './copy-from-sqlite';
import { describePostgres, freshDatabase } from './database';
import { generatedEvents, SITE, sqliteState, type SqliteState } from './sqlite-state';

let pool: pg.Pool;
let sqlite: SqliteState;
const identify = (n: number, ids: Record<string, string>, traits: Record<string, unknown>) => ({
  type: 'identify', messageId: `mail-${n}`, timestamp: new Date(T0 + n * 60_000).toISOString(), traits, ...ids,
});

// Export rows are compared per table as sets: neither store promises an order within a table there.
const sortedRows = (doc: VisitorExport) => ({ ...doc, rows: Object.fromEntries(Object.entries(doc.rows).map(([t, rows]) => [t, rows.map((r) => JSON.stringify(r)).sort()])) });
const rowText = (row: unknown[]) => JSON.stringify(row.map((v) => (typeof v === 'number' ? String(v) : v)));

async function sameTables() {
  const tables = (sqlite.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name).filter((t) => !(t in REPLACED_ON_POSTGRES));
  for (const table of tables) {
    const extra = POSTGRES_ONLY_COLUMNS[table] ?? [];
    const own = (sqlite.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    const lite = (sqlite.db.prepare(`SELECT ${[...extra.map(() => 'rowid'), ...own].join(', ')} FROM ${table}`).raw(true).all() as unknown[][]).map(rowText).sort();
    const onPg = (await pool.query({ text: `SELECT ${[...extra, ...own].join(', ')} FROM ${table}`, rowMode: 'array' })).rows.map(rowText).sort();
    expect(onPg, table).toEqual(lite);
  }
}

describePostgres('erasure and export on PostgreSQL', () => {
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await freshDatabase(), max: 2 });
    await migratePostgres(pool);
    sqlite = await sqliteState(generatedEvents(30, 11));
    await sqlite.add([
      identify(1, { anonymousId: 'r0-a2', userId: 'r0-u2' }, { email: '  Ann@Example.com ' }),
      identify(2, { anonymousId: 'r1-a0' }, { email: 'ann@example.com' }),
      identify(3, { anonymousId: 'r2-a0' }, { email: 'ÀNN@example.com' }),
      identify(4, { anonymousId: 'r3-a1', userId: 'r3-u9' }, { email: { removed: traitDigest(SITE, 'ann@example.com') } }),
      { ...identify(5, { anonymousId: 'r4-a0' }, {}), context: { traits: { email: 'ANN@EXAMPLE.COM' } } },
    ]);
    sqlite.db.prepare('INSERT INTO erasure_keys (site, anonymous_id, hash, created_at) VALUES (?, ?, ?, ?)').run(SITE, 'r0-a2', secretHash('s3cret'), T0);
    await copyIntoPool(sqlite.db, pool);
  });
  afterAll(async () => {
    await sqlite?.close();
    await pool?.end();
  });

  it('matches e-mails as SQLite does: trimmed, ASCII case folded, plain or as the removed digest', () => {
    const digest = traitDigest(SITE, 'ann@example.com');
    expect(emailMatches('{"traits":{"email":" ANN@example.com "}}', 'ann@example.com', digest)).toBe(true);
    // SQLite's lower() leaves non-ASCII letters alone: the Kelvin sign does not become "k".
    expect(emailMatches('{"traits":{"email":"\u212Aate@example.com"}}', 'kate@example.com', digest)).toBe(false);
    expect(emailMatches('{"context":{"traits":{"email":{"removed":"' + digest + '"}}}}', 'ann@example.com', digest)).toBe(true);
    expect(emailMatches('{"traits":', 'ann@example.com', digest)).toBe(false);
  });

  it('finds the same ids, exports the same document, checks keys alike, and erases the same rows', async () => {
    const [liteLookup, liteErasure] = [createVisitorLookup(sqlite.db), createErasureStore(sqlite.db)];
    const [pgLookup, pgErasure] = [createPostgresLookup(pool), createPostgresErasure(pool)];

    const byEmail = await liteLookup.idsOfEmail(SITE, 'Ann@example.com');
    expect(byEmail.anonymousIds).toEqual(['r0-a2', 'r1-a0', 'r3-a1', 'r4-a0']);
    expect(await pgLookup.idsOfEmail(SITE, 'Ann@example.com')).toEqual(byEmail);
    for (const user of ['r0-u2', 'r3-u3', 'nobody']) expect(await pgLookup.anonymousIdsOf(SITE, user), user).toEqual(liteLookup.anonymousIdsOf(SITE, user));

    const ids = { anonymousIds: ['r0-a2', 'r1-a0'], userIds: ['r0-u2', 'r1-u3'] };
    const exported = await liteLookup.export(SITE, ids);
    expect(exported.events.length).toBeGreaterThan(5);
    expect(exported.erasureKeys).toHaveLength(1);
    expect(sortedRows(await pgLookup.export(SITE, ids))).toEqual(sortedRows(exported));

    for (const secret of ['s3cret', 'wrong']) expect(await pgErasure.verify(SITE, 'r0-a2', secret)).toBe(liteErasure.verify(SITE, 'r0-a2', secret));
    expect(await pgErasure.verify(SITE, 'r1-a0', 'x')).toBe('none');
    for (const [user, anon] of [['r0-u2', 'r0-a2'], ['r0-u2', 'r1-a0'], ['r3-u9', 'r3-a1']]) expect(await pgErasure.onlyFrom(SITE, user, anon), `${user} from ${anon}`).toBe(liteErasure.onlyFrom(SITE, user, anon));
    for (const anon of ['r0-a2', 'r5-a1', 'nobody']) expect(await pgErasure.holdsAnything(SITE, anon), anon).toBe(await liteErasure.holdsAnything(SITE, anon));

    const counts = await liteErasure.erase(SITE, ids, T0 + 1);
    expect(counts.events).toBeGreaterThan(5);
    expect(await pgErasure.erase(SITE, ids, T0 + 1)).toEqual(counts);
    await sameTables();
    expect(await pgErasure.holdsAnything(SITE, 'r0-a2')).toBe(false);
  });
});
