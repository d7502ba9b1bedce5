// @vitest-environment node
// The batch writer on PostgreSQL keeps SQLite's contract: the same StoreResult for the same
// batches (duplicates within a batch and across batches), interactions and fold_queue rows
// only for events it stored, ids in batch order, the erasure key; and a transaction that
// deadlocks is retried inside.
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../../server/database';
import { createBatchWriter } from '../../../server/event-store';
import { migratePostgres } from '../../../server/postgres/migrate';
import { createPostgresPool, inTransaction } from '../../../server/postgres/sql';
import { createPostgresWriter } from '../../../server/postgres/writer';
import { validateBatch } from '../../../server/validate-batch';
import type { ValidEvent } from '../../../server/validate-event';
import { MINUTE, T0 } from '../fold/fold-fixtures';
import { describePostgres, freshDatabase } from './database';

const NOW = T0 + MINUTE;
const event = (id: string, body: Record<string, unknown> = { type: 'track', event: 'Product Viewed', properties: { product_id: 'p1' } }) => ({
  ...body,
  anonymousId: 'a1',
  messageId: id,
  timestamp: new Date(T0).toISOString(),
});
const valid = (events: Record<string, unknown>[]): ValidEvent[] => {
  const result = validateBatch({ batch: events }, 'shop', NOW);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.events;
};

let pool: pg.Pool;
beforeAll(async () => {
  pool = createPostgresPool({ connectionString: await freshDatabase(), max: 4 });
  const client = await pool.connect();
  await migratePostgres(client);
  client.release();
});
afterAll(async () => {
  await pool?.end();
});

describePostgres('the batch writer on PostgreSQL', () => {
  it('answers what SQLite answers, and derives rows only from the events it stored', async () => {
    // m10 before m2 in the batch, so batch order and message-id order differ.
    const batches = [
      valid([event('m10'), event('m2', { type: 'page' }), event('m10'), event('m3', { type: 'track', event: 'Order Completed', properties: { order_id: 'o1', products: [{ product_id: 'p1' }, { product_id: 'p2' }] } })]),
      valid([event('m2', { type: 'page' }), event('m4')]),
      valid([event('m4'), event('m10')]),
    ];
    const db = openDatabase(':memory:');
    const sqlite = createBatchWriter(db, 0);
    const told: number[][] = [];
    const postgres = createPostgresWriter(pool, (stored) => told.push(stored.map(([id]) => id)));
    for (const batch of batches) expect(await postgres.storeBatch(batch, NOW)).toEqual(await sqlite.storeBatch(batch, NOW));
    db.close();

    const { rows } = await pool.query('SELECT id, message_id FROM events ORDER BY id');
    expect(rows.map((r) => r.message_id)).toEqual(['m10', 'm2', 'm3', 'm4']);
    expect(told.flat()).toEqual(rows.map((r) => r.id));
    const queued = await pool.query('SELECT event_id FROM fold_queue ORDER BY event_id');
    expect(queued.rows.map((r) => r.event_id)).toEqual(rows.map((r) => r.id));
    const interactions = await pool.query('SELECT kind, product_id, order_id FROM interactions ORDER BY id');
    expect(interactions.rows).toEqual([
      { kind: 'view', product_id: 'p1', order_id: null },
      { kind: 'buy', product_id: 'p1', order_id: 'o1' },
      { kind: 'buy', product_id: 'p2', order_id: 'o1' },
      { kind: 'view', product_id: 'p1', order_id: null },
    ]);
  });

  it('stores the erasure key in the batch transaction, once', async () => {
    const writer = createPostgresWriter(pool);
    const key = { site: 'shop', anonymousId: 'a1', hash: 'h'.repeat(64) };
    await writer.storeBatch(valid([event('k1')]), NOW, key);
    await writer.storeBatch(valid([event('k2')]), NOW + 1, key);
    const { rows } = await pool.query('SELECT site, anonymous_id, hash, created_at, erased_at FROM erasure_keys');
    expect(rows).toEqual([{ site: 'shop', anonymous_id: 'a1', hash: 'h'.repeat(64), created_at: NOW, erased_at: null }]);
  });

  it('a batch that fails stores nothing, and the error reaches the caller', async () => {
    const writer = createPostgresWriter(pool);
    const [bad] = valid([event('bad-1')]);
    const before = (await pool.query('SELECT count(*) AS n FROM events')).rows[0].n;
    // A NUL byte is valid JSON text but PostgreSQL's text refuses it: the whole batch rolls back.
    await expect(writer.storeBatch([valid([event('ok-1')])[0], { ...bad, payload: 'x\u0000' }], NOW)).rejects.toThrow(/0x00|invalid byte/);
    expect((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n).toBe(before);
  });

  it('a transaction that deadlocks is rolled back and run again inside', async () => {
    await pool.query('CREATE TABLE scratch (id int PRIMARY KEY, n int NOT NULL); INSERT INTO scratch VALUES (1, 0), (2, 0)');
    let attempts = 0;
    let arrived = 0;
    const bothHoldOne = () =>
      new Promise<void>((resolve) => {
        arrived++;
        const check = () => (arrived >= 2 ? resolve() : setTimeout(check, 5));
        check();
      });
    const crosswise = (first: number, second: number) =>
      inTransaction(pool, async (client) => {
        attempts++;
        await client.query('UPDATE scratch SET n = n + 1 WHERE id = $1', [first]);
        await bothHoldOne();
        await client.query('UPDATE scratch SET n = n + 1 WHERE id = $1', [second]);
      });
    await Promise.all([crosswise(1, 2), crosswise(2, 1)]);
    expect(attempts).toBe(3);
    expect((await pool.query('SELECT n FROM scratch ORDER BY id')).rows).toEqual([{ n: 2 }, { n: 2 }]);
  });
});
