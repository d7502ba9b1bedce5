// Issue #16's groundwork: how fast PostgreSQL takes the collector's batch write, before any
// collector runs on it. One multi-row INSERT … ON CONFLICT (site, message_id) DO NOTHING
// RETURNING per batch of 50 events (the idempotent store of POST /v1/batch), on a throwaway
// cluster with fsync and synchronous commit on (durable: a deployment's settings), into the
// `events` table of server/postgres/schema.ts. Batches per second from one connection and
// from 8, for three forms of the statement:
//   values  INSERT … VALUES ($1…$9), … ($442…$450): 450 parameters, parsed per batch
//   unnest  INSERT … SELECT * FROM unnest($1::text[], …): 9 array parameters, a named
//           prepared statement parsed once per connection
//   +queue  unnest, and the stored ids into fold_queue in the same statement (a CTE)
// then the same batches sent again (all duplicates), and 8 connections sending the same 400
// batches at once (each event must be stored once, and returned to exactly one of them).
//
//   node bench/postgres-ingest.mjs [--batches 2000] [--no-fsync]
// --no-fsync turns fsync and synchronous commit off, which separates the commit's disk wait from
// the statement's own cost.
// Prints figures; never fails on speed. Throws when PostgreSQL is missing or a check fails.
import pg from 'pg';
import { heading, int, printTable } from './lib.mjs';
import { importSource } from './profile-node.mjs';
import { startCluster } from '../test/server/postgres/cluster.mjs';

const BATCH = 50;
const COLUMNS = ['site', 'message_id', 'type', 'event', 'anonymous_id', 'user_id', 'timestamp', 'received_at', 'payload'];
const TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'text'];

/** Batches of SDK-shaped track events (~450 bytes each as JSON), every messageId distinct. */
function makeBatches(count, prefix) {
  const batches = [];
  for (let b = 0; b < count; b++) {
    const rows = [];
    for (let i = 0; i < BATCH; i++) {
      const n = b * BATCH + i;
      const messageId = `${prefix}-${n.toString(36).padStart(8, '0')}-${(n * 2654435761 >>> 0).toString(36)}`;
      const anonymousId = `anon-${(b * 7 + (i % 5)).toString(36)}`;
      const timestamp = new Date(1_780_000_000_000 + n * 1000).toISOString();
      const event = i % 3 === 0 ? 'Product Viewed' : i % 3 === 1 ? 'Variant Viewed' : 'Page Engaged';
      const payload = JSON.stringify({
        type: 'track', event, messageId, anonymousId, timestamp,
        properties: { product_id: `p-${n % 997}`, name: 'A reasonably named product', price: 19.9, category: 'shoes', placement: 'hero', variant: 'b' },
        context: { page: { path: '/products/p', url: 'https://shop.example.com/products/p', title: 'Shop' }, library: { name: 'attune', version: '0.1.0' }, locale: 'en-GB' },
      });
      rows.push(['shop-1', messageId, 'track', event, anonymousId, null, timestamp, Date.now(), payload]);
    }
    batches.push(rows);
  }
  return batches;
}

const values = (rows) => ({
  text:
    `INSERT INTO events (${COLUMNS}) VALUES ` +
    rows.map((_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`)})`).join(', ') +
    ' ON CONFLICT (site, message_id) DO NOTHING RETURNING id, message_id',
  values: rows.flat(),
});
const arrays = (rows) => COLUMNS.map((_, c) => rows.map((row) => row[c]));
const UNNEST = `INSERT INTO events (${COLUMNS}) SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`)})
  ON CONFLICT (site, message_id) DO NOTHING RETURNING id, message_id`;
const unnest = (rows) => ({ name: 'store-batch', text: UNNEST, values: arrays(rows) });
const QUEUED = `WITH stored AS (${UNNEST}), queued AS (INSERT INTO fold_queue (event_id) SELECT id FROM stored)
  SELECT id, message_id FROM stored`;
const queued = (rows) => ({ name: 'store-batch-queued', text: QUEUED, values: arrays(rows) });
const FORMS = { values, unnest, '+queue': queued };

/** Sends `batches` over `connections` clients of `pool`, each taking the next batch; returns batches/s and rows returned. */
async function send(pool, batches, form, connections) {
  let next = 0;
  let returned = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (next < batches.length) {
          // Read after the await: `returned += await …` would add to a value read before it.
          const { rowCount } = await client.query(form(batches[next++]));
          returned += rowCount;
        }
      } finally {
        client.release();
      }
    }),
  );
  return { perSecond: batches.length / ((performance.now() - started) / 1000), returned };
}

/** Runs the bench; returns summary rows. */
export async function run({ batches: count = 2000, durable = true } = {}) {
  heading(`PostgreSQL batch ingest (${BATCH} events a batch, ON CONFLICT DO NOTHING RETURNING, fsync ${durable ? 'on' : 'off'})`);
  const { migratePostgres } = await importSource('../server/postgres/migrate.ts');
  const cluster = await startCluster({ durable });
  const admin = new pg.Client(cluster.url());
  await admin.connect();
  const rows = [['form', 'connections', 'batches/s', 'events/s', 'again (duplicates) batches/s']];
  const summary = [];
  try {
    let database = 0;
    const freshPool = async () => {
      const name = `bench_${++database}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const pool = new pg.Pool({ connectionString: cluster.url(name), max: 8 });
      const client = await pool.connect();
      await migratePostgres(client);
      client.release();
      return pool;
    };
    for (const [label, form] of Object.entries(FORMS)) {
      for (const connections of [1, 8]) {
        const pool = await freshPool();
        try {
          const batches = makeBatches(count, `${label}-${connections}`);
          const first = await send(pool, batches, form, connections);
          if (first.returned !== count * BATCH) throw new Error(`${label}: ${first.returned} rows returned for ${count * BATCH} new events`);
          const again = await send(pool, batches, form, connections);
          if (again.returned !== 0) throw new Error(`${label}: duplicates returned ${again.returned} rows`);
          rows.push([label, connections, int(first.perSecond), int(first.perSecond * BATCH), int(again.perSecond)]);
          summary.push({ metric: `PostgreSQL ${label}, ${connections} connection(s), fsync ${durable ? 'on' : 'off'}`, value: `${int(first.perSecond)} batches/s`, note: `${int(first.perSecond * BATCH)} events/s` });
        } finally {
          await pool.end();
        }
      }
    }
    printTable(rows);

    // The same batches from 8 connections at once: stored once, each id returned to one sender.
    const pool = await freshPool();
    try {
      const batches = makeBatches(400, 'race');
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const client = await pool.connect();
          try {
            let returned = 0;
            for (const batch of batches) returned += (await client.query(unnest(batch))).rowCount;
            return returned;
          } finally {
            client.release();
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const stored = Number((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
      const total = results.reduce((a, b) => a + b, 0);
      if (stored !== 400 * BATCH || total !== stored) throw new Error(`race: ${stored} stored, ${total} returned, for ${400 * BATCH} events`);
      console.log(`\n8 connections sending the same 400 batches at once: ${stored} stored once, ${total} ids returned in all ` +
        `(${results.join(' + ')}), ${int((8 * 400) / seconds)} batches/s`);
    } finally {
      await pool.end();
    }
    return summary;
  } finally {
    await admin.end();
    cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--batches');
  await run({ ...(at > 0 ? { batches: Number(process.argv[at + 1]) } : {}), durable: !process.argv.includes('--no-fsync') });
}
