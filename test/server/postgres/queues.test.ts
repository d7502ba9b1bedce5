// The due queues on PostgreSQL: two collectors (two pools) claiming at once never get one
// row twice, and together they get every due row; what is not yet due stays.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migratePostgres } from '../../../server/postgres/migrate';
import { createPostgresPendingQueue, createPostgresWebhookQueue } from '../../../server/postgres/queues';
import { describePostgres, freshDatabase } from './database';

const DUE = 600;
const NOW = 1_000_000;
let pools: pg.Pool[] = [];
const pause = () => new Promise((resolve) => setTimeout(resolve, 1));

describePostgres('due queues on PostgreSQL', () => {
  beforeAll(async () => {
    const url = await freshDatabase();
    pools = [new pg.Pool({ connectionString: url, max: 3 }), new pg.Pool({ connectionString: url, max: 3 })];
    await migratePostgres(pools[0]);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
  });

  it('pending signals: each due row is claimed by one collector, postponed rows wait, a failed page stays due', async () => {
    await pools[0].query(
      `INSERT INTO trigger_pending (site, visitor, kind, subject, cause_at, due_at)
       SELECT 'shop', 'v' || i, 'cart', '', 0, CASE WHEN i <= $1 THEN i ELSE $2 + i END FROM generate_series(1, $1 + 50) AS i`,
      [DUE, NOW],
    );
    // A page that fails rolls back: its rows are still due afterwards.
    const queue = createPostgresPendingQueue(pools[0]);
    await expect(queue.claimDue(NOW, 10, async () => Promise.reject(new Error('detector failed')))).rejects.toThrow('detector failed');

    const claimed: string[][] = [[], []];
    const collector = async (i: number) => {
      const mine = createPostgresPendingQueue(pools[i]);
      for (;;) {
        const n = await mine.claimDue(NOW, 7, async (rows, tx) => {
          for (const row of rows) {
            claimed[i].push(row.visitor);
            await pause(); // holds the page while the other collector claims
            // Every third visitor came back: postponed past now, so no one claims it again this round.
            if (Number(row.visitor.slice(1)) % 3 === 0) await tx.postpone(row, NOW + 1);
            else await tx.remove(row);
          }
          return rows.length;
        });
        if (n === 0) return;
      }
    };
    await Promise.all([collector(0), collector(1)]);
    const all = [...claimed[0], ...claimed[1]];
    expect(claimed[0].length, 'both collectors claimed rows').toBeGreaterThan(0);
    expect(claimed[1].length, 'both collectors claimed rows').toBeGreaterThan(0);
    expect(new Set(all).size, 'no row claimed twice').toBe(all.length);
    expect(all.length).toBe(DUE);
    const left = await pools[0].query('SELECT count(*) AS n, min(due_at) AS first FROM trigger_pending');
    expect(Number(left.rows[0].n)).toBe(DUE / 3 + 50);
    expect(Number(left.rows[0].first)).toBe(NOW + 1);
  });

  it('webhook deliveries: a claim leases rows to one collector; an expired lease makes them due again', async () => {
    const queue = createPostgresWebhookQueue(pools[0]);
    for (let i = 0; i < DUE; i++) {
      expect(await queue.enqueue({ id: `whd_${i}`, site: 'shop', url: 'https://hooks.example/in', event: 'Cart Abandoned', visitor: `v${i}`, body: `{"n":${i}}` }, NOW - DUE + i)).toBe(true);
    }
    expect(await queue.enqueue({ id: 'whd_0', site: 'shop', url: 'u', event: 'e', visitor: 'v', body: '{}' }, NOW)).toBe(false);
    expect(await queue.size()).toBe(DUE);

    const claimed: string[][] = [[], []];
    const collector = async (i: number) => {
      const mine = createPostgresWebhookQueue(pools[i]);
      for (;;) {
        const page = await mine.claimDue(NOW, 9, 60_000);
        if (page.length === 0) return;
        expect(page.map((d) => d.next_at)).toEqual([...page.map((d) => d.next_at)].sort((a, b) => a - b));
        for (const d of page) {
          claimed[i].push(d.id);
          await pause();
          // Odd ones fail and are retried later; even ones are accepted.
          if (d.body.match(/[13579]}$/)) await mine.retryAt(d.id, d.attempts + 1, NOW + 1000);
          else await mine.remove(d.id);
        }
      }
    };
    await Promise.all([collector(0), collector(1)]);
    const all = [...claimed[0], ...claimed[1]];
    expect(claimed[0].length).toBeGreaterThan(0);
    expect(claimed[1].length).toBeGreaterThan(0);
    expect(new Set(all).size, 'no delivery claimed twice').toBe(all.length);
    expect(all.length).toBe(DUE);
    expect(await queue.size()).toBe(DUE / 2);

    // A collector that claims and dies: nobody gets the rows until the lease ends, then someone does.
    const lost = await queue.claimDue(NOW + 1000, 5, 30_000);
    expect(lost.map((d) => d.attempts)).toEqual([1, 1, 1, 1, 1]);
    const others = await createPostgresWebhookQueue(pools[1]).claimDue(NOW + 1000, 1000, 30_000);
    expect(others.map((d) => d.id)).not.toEqual(expect.arrayContaining([lost[0].id]));
    expect(others.length).toBe(DUE / 2 - 5);
    const again = await createPostgresWebhookQueue(pools[1]).claimDue(NOW + 1000 + 30_000, 1000, 30_000);
    expect(again.map((d) => d.id).sort()).toEqual([...lost.map((d) => d.id), ...others.map((d) => d.id)].sort());
  });
});
