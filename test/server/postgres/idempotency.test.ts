// What the PostgreSQL store's idempotency rests on (server/postgres/DESIGN.md): on the migrated
// schema, concurrent writers of the same events store each once and each id is returned to
// exactly one writer, and a writer waiting on another's uncommitted insert stores it after a rollback.
import pg from 'pg';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { migratePostgres } from '../../../server/postgres/migrate';
import { describePostgres, freshDatabase } from './database';

const COLUMNS = ['site', 'message_id', 'type', 'event', 'anonymous_id', 'user_id', 'timestamp', 'received_at', 'payload'];
const TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'text'];
// Sorted by message id so every writer takes the rows' locks in one order; stored ids go to the fold queue.
const STORE = `WITH stored AS (
    INSERT INTO events (${COLUMNS}) SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`)}) AS r(${COLUMNS}) ORDER BY message_id
    ON CONFLICT (site, message_id) DO NOTHING RETURNING id, message_id),
  queued AS (INSERT INTO fold_queue (event_id) SELECT id FROM stored)
  SELECT id, message_id FROM stored`;

const batch = (from: number, size: number) =>
  Array.from({ length: size }, (_, i) => {
    const messageId = `m-${String(from + i).padStart(5, '0')}`;
    return ['shop', messageId, 'track', 'Product Viewed', `anon-${(from + i) % 7}`, null, '2026-12-07T12:00:00.000Z', 1, `{"messageId":"${messageId}"}`];
  });
const store = (client: pg.ClientBase, rows: unknown[][]) => client.query<{ id: string; message_id: string }>(STORE, COLUMNS.map((_, c) => rows.map((r) => r[c])));

let url: string;
const open: pg.Client[] = [];
const connect = async () => {
  const client = new pg.Client(url);
  await client.connect();
  open.push(client);
  return client;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.end()));
});

describePostgres('idempotent batch writes on PostgreSQL', () => {
  beforeAll(async () => {
    url = await freshDatabase();
    const client = new pg.Client(url);
    await client.connect();
    await migratePostgres(client);
    await client.end();
  });

  it('four writers sending the same batches at once store each event once, and each id reaches one writer', async () => {
    const batches = Array.from({ length: 10 }, (_, b) => batch(b * 50, 50));
    const writers = await Promise.all([1, 2, 3, 4].map(connect));
    const returned = await Promise.all(
      writers.map(async (client) => {
        const ids: string[] = [];
        for (const rows of batches) ids.push(...(await store(client, rows)).rows.map((r) => r.message_id));
        return ids;
      }),
    );
    const all = returned.flat();
    expect(all).toHaveLength(500);
    expect(new Set(all).size).toBe(500);
    const [{ events, queued }] = (await writers[0].query('SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM fold_queue)::int AS queued')).rows;
    expect({ events, queued }).toEqual({ events: 500, queued: 500 });
    expect((await store(writers[0], batches[3])).rows).toEqual([]);
  });

  it('a writer waits for another one inserting the same events, and stores them when that one rolls back', async () => {
    const [first, second] = [await connect(), await connect()];
    const rows = batch(10_000, 20);
    await first.query('BEGIN');
    expect((await store(first, rows)).rows).toHaveLength(20);
    let done = false;
    const waiting = store(second, rows).finally(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    await first.query('ROLLBACK');
    expect((await waiting).rows.map((r) => r.message_id).sort()).toEqual(rows.map((r) => r[1]));
    // Committed by the first instead, the second would have returned nothing: the test above.
  });
});
