#!/usr/bin/env node
/**
 * Webhook deliveries per second to a loopback receiver (issue #14). The built collector
 * (dist/collector.mjs) runs in this process on a temporary SQLite file with a fake clock,
 * one site whose webhook is a plain Node HTTP server on 127.0.0.1 (204, body read and
 * dropped; in a child process, so it does not share this event loop). N visitors each put a
 * product in the cart through `POST /v1/batch`; the clock then moves past the cart window and
 * `runTriggers()` detects N Cart Abandoned signals and delivers them: signed, with their
 * idempotency id, each taken off the queue in the database when answered. Printed: the
 * detection time, and deliveries per second from the first queued to the last answered, at
 * the default concurrency (8 in flight) and at 32. It prints figures and never fails on speed.
 *
 *   npm run build && node bench/webhooks.mjs [--signals 5000]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DIST, heading, int } from './lib.mjs';

const SITE = 'shop';
const KEY = 'wk_bench_webhooks_0123456789';
const SECRET = 'whsec_bench_0123456789abcdefghij';
const T0 = Date.UTC(2024, 4, 1, 12);

// The receiver, run as a child: counts what it was sent and answers 204.
const RECEIVER = `
const { createServer } = require('node:http');
let count = 0;
const server = createServer((req, res) => { req.resume(); req.on('end', () => { count++; res.writeHead(204).end(); }); });
server.keepAliveTimeout = 30000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => m === 'count' ? process.send({ count }) : process.exit(0));
`;

function startReceiver() {
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  return next().then(({ port }) => ({
    url: `http://127.0.0.1:${port}/attune`,
    count: () => (child.send('count'), next().then((m) => m.count)),
    stop: () => child.send('stop'),
  }));
}

async function round(startCollector, receiver, signals, concurrency) {
  const dir = await mkdtemp(join(tmpdir(), 'attune-bench-webhooks-'));
  let now = T0;
  const collector = await startCollector({
    port: 0,
    db: join(dir, 'bench.sqlite'),
    clock: () => now,
    log: () => undefined,
    rateLimits: false,
    sites: { sites: { [SITE]: { writeKeys: [KEY], triggers: { cartAbandonedMinutes: 1 }, webhooks: [{ url: receiver.url, events: ['Cart Abandoned'], secret: SECRET }] } } },
    triggers: { intervalMs: 3600_000, delivery: { concurrency } },
  });
  try {
    const auth = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;
    for (let i = 0; i < signals; i += 100) {
      const batch = [];
      for (let v = i; v < Math.min(signals, i + 100); v++) {
        batch.push({ type: 'track', event: 'Product Added', anonymousId: `v${v}`, messageId: `add-${v}`, timestamp: new Date(T0).toISOString(), properties: { product_id: `p${v % 50}`, price: 20 + (v % 7) } });
      }
      const res = await fetch(`${collector.url}/v1/batch?site=${SITE}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: auth }, body: JSON.stringify({ batch }) });
      if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
    }
    const before = await receiver.count();
    now = T0 + 2 * 60_000;
    const started = performance.now();
    await collector.runTriggers();
    const seconds = (performance.now() - started) / 1000;
    const delivered = (await receiver.count()) - before;
    return { delivered, seconds };
  } finally {
    await collector.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the bench; returns the summary rows. */
export async function run({ signals = 5000 } = {}) {
  heading(`webhooks: ${int(signals)} Cart Abandoned signals, delivered to a loopback receiver`);
  const { startCollector } = await import(pathToFileURL(join(DIST, 'collector.mjs')).href);
  const receiver = await startReceiver();
  const rows = [];
  try {
    for (const concurrency of [8, 32]) {
      const { delivered, seconds } = await round(startCollector, receiver, signals, concurrency);
      const rate = delivered / seconds;
      console.log(`  ${concurrency} in flight: ${int(delivered)} of ${int(signals)} delivered in ${seconds.toFixed(2)} s (detection, signing, POST, dequeue): ${int(rate)} deliveries/s`);
      rows.push({ metric: `webhook deliveries/s (${concurrency} in flight)`, value: int(rate), note: `${int(delivered)} signals, loopback receiver` });
    }
    console.log(`  load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} CPUs`);
  } finally {
    receiver.stop();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { signals: { type: 'string' } } });
  await run({ signals: values.signals ? Number(values.signals) : undefined });
}
