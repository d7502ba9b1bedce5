#!/usr/bin/env node
/**
 * Collector ingest benchmark: the built collector (dist/collector.mjs) in a child
 * process on a fresh temporary SQLite file, fed 100,000 events in batches of 50 by 8
 * concurrent clients over loopback, alternately with a baseline collector built from
 * git (BASELINE_REF) on the same batches, so that machine load weighs on both alike.
 * Prints events/s and server CPU per event of each, and their ratio (goal: the current
 * collector at most 10 % slower); then the server's memory, how long the pull endpoints
 * take on what was ingested. Co-occurrence and popularity at 100,000 and 1,000,000
 * stored interactions are bench/cooc.mjs's (they are kept at ingest: there is no rebuild
 * per pull left to time). It prints figures and never fails on speed.
 *
 *   npm run build && node bench/collector.mjs [--events 100000] [--batch 50] [--clients 8]
 *     [--rounds 2] [--baseline <git ref>|none] [--visitors-per-batch 0] [--keys]
 *
 * `--visitors-per-batch 0` (the default) gives each event a random one of 5,000 visitors;
 * `1` makes each batch one visitor's, which is how the SDK sends (one browser's outbox).
 * `--keys` adds, in each round, the same build with a sites file and every batch sending
 * its write key (issue #14's comparison; rate limits off, as one client address).
 * `npm run bench` (bench/run.mjs) imports this module and calls `run()`, which returns
 * the summary rows. The child process, the baseline's build and the HTTP helpers are in
 * bench/collector-lib.mjs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildBaseline, COLLECTOR, get, nextMessage, post, startChild } from './collector-lib.mjs';
import { heading, median, printTable, quantile } from './lib.mjs';

const SITE = 'bench';
/** The last commit before the report aggregates (schema 2, server/aggregates.ts): ingest as it was before them. */
export const BASELINE_REF = 'c2c848f';

// The --keys arm: a sites file naming the bench's site and its key, and the key on every batch.
const BENCH_KEY = 'wk_bench_0123456789abcdef';
const WITH_KEYS = {
  serverOptions: { sites: { sites: { [SITE]: { writeKeys: [BENCH_KEY] } } }, rateLimits: false },
  headers: { Authorization: `Basic ${Buffer.from(`${BENCH_KEY}:`).toString('base64')}` },
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(process.argv.slice(2));
}

/**
 * Runs the benchmark, prints its figures, and returns summary rows
 * `[{ metric, value, note }]` for bench/run.mjs.
 */
export async function run(args = []) {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '100000' },
      batch: { type: 'string', default: '50' },
      clients: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      baseline: { type: 'string', default: BASELINE_REF },
      'visitors-per-batch': { type: 'string', default: '0' },
      keys: { type: 'boolean', default: false },
    },
  });
  const [total, batchSize, clients, rounds, perBatch] = ['events', 'batch', 'clients', 'rounds', 'visitors-per-batch'].map((k) => Number(values[k]));
  const ref = values.baseline === 'none' ? null : values.baseline;
  if (!existsSync(COLLECTOR)) throw new Error('dist/collector.mjs is missing: run `npm run build` first.');
  const serverDir = fileURLToPath(new URL('../server/', import.meta.url));
  const newestSource = Math.max(...readdirSync(serverDir, { recursive: true }).map((f) => statSync(join(serverDir, f)).mtimeMs));
  if (newestSource > statSync(COLLECTOR).mtimeMs) console.log('note: server/ changed since dist/collector.mjs was built; run `npm run build` to measure the current code.');
  const mix = perBatch > 0 ? `each batch from ${perBatch} visitor${perBatch > 1 ? 's' : ''} (as the SDK sends: one browser's outbox)` : 'each event from a random one of 5,000 visitors';
  const bodies = makeBatches(total, batchSize, 'm', perBatch);
  const warm = makeBatches(500, batchSize, 'warm', perBatch);
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  heading('collector ingest (issue #13: against the collector before the report aggregates)');
  let baseline;
  let last;
  try {
    if (ref) {
      const t = performance.now();
      baseline = await buildBaseline(ref);
      console.log(`baseline collector: ${ref} built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    console.log(`collector ingest: ${total} events in ${bodies.length} batches of ${batchSize}, ${clients} clients, ${mb(bodies.reduce((s, b) => s + b.length, 0))} MB of JSON; ${mix}`);
    // Alternating, each run on a fresh database, so that the neighbours' load weighs on both alike.
    const runs = [];
    for (let round = 1; round <= rounds; round++) {
      if (baseline) runs.push({ round, label: `baseline ${ref}`, ...(await ingest(baseline.file, bodies, total, warm, clients)) });
      runs.push({ round, label: 'current', ...(last = await ingest(COLLECTOR, bodies, total, warm, clients, round === rounds)) });
      // Issue #14: the same build with a sites file, every batch sending the site's write key
      // (rate limits off: one load generator is one client address, which they would throttle).
      if (values.keys) runs.push({ round, label: 'with keys', ...(await ingest(COLLECTOR, bodies, total, warm, clients, false, WITH_KEYS)) });
    }
    const cpuUs = (r) => (r.cpuSeconds / total) * 1e6;
    printTable([
      ['round', 'collector', 'events/s', 'CPU µs/event', 'with catch-up', 'catch-up ms', 'batch p50 ms', 'p95 ms', 'stored', 'failed'],
      ...runs.map((r) => [r.round, r.label, Math.round(r.rate), cpuUs(r).toFixed(1), ((r.cpuAllSeconds / total) * 1e6).toFixed(1), Math.round(r.catchUpMs), r.p50.toFixed(1), r.p95.toFixed(1), r.stored, r.failed]),
    ]);
    const side = (label) => runs.filter((r) => r.label.startsWith(label));
    const rate = (label) => median(side(label).map((r) => r.rate));
    const cpu = (label) => median(side(label).map(cpuUs));
    const load = `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`;
    const rows = [{ metric: 'ingest', value: `${Math.round(rate('current'))} events/s`, note: `median of ${rounds}; ${mix}` }];
    rows.push({ metric: 'server CPU', value: `${cpu('current').toFixed(1)} µs/event`, note: load });
    console.log(`  current: median ${Math.round(rate('current'))} events/s, ${cpu('current').toFixed(1)} CPU µs per event; ${load}`);
    if (baseline) {
      const ratio = rate('current') / rate('baseline');
      const verdict = `${Math.abs((1 - ratio) * 100).toFixed(1)} % ${ratio <= 1 ? 'slower' : 'faster'}; goal: at most 10 % slower`;
      console.log(`  baseline ${ref}: median ${Math.round(rate('baseline'))} events/s, ${cpu('baseline').toFixed(1)} CPU µs per event`);
      console.log(`  current / baseline: events/s ×${ratio.toFixed(3)} (${verdict}), CPU per event ×${(cpu('current') / cpu('baseline')).toFixed(3)}`);
      rows.push(
        { metric: `ingest, baseline ${ref}`, value: `${Math.round(rate('baseline'))} events/s`, note: `${cpu('baseline').toFixed(1)} CPU µs/event; the last commit before the report aggregates` },
        { metric: 'ingest, current / baseline', value: `×${ratio.toFixed(3)}`, note: `${verdict}; CPU per event ×${(cpu('current') / cpu('baseline')).toFixed(3)}` },
      );
    }
    if (values.keys) {
      const ratio = rate('with keys') / rate('current');
      const verdict = `${Math.abs((1 - ratio) * 100).toFixed(1)} % ${ratio <= 1 ? 'slower' : 'faster'}; goal: at most 10 % slower`;
      console.log(`  with keys / open: events/s ×${ratio.toFixed(3)} (${verdict}), CPU per event ×${(cpu('with keys') / cpu('current')).toFixed(3)}`);
      rows.push({ metric: 'ingest with write keys / open', value: `×${ratio.toFixed(3)}`, note: `${verdict}; CPU per event ×${(cpu('with keys') / cpu('current')).toFixed(3)}` });
    }
    const { memory, peak, url, agent } = last;
    console.log(`  current's last run: batch latency ms p50 ${last.p50.toFixed(1)}, p95 ${last.p95.toFixed(1)}, p99 ${last.p99.toFixed(1)}, max ${last.max.toFixed(1)}`);
    console.log(`  server memory: rss ${mb(memory.rss)} MB (peak ${mb(peak.rss)}), heap used ${mb(memory.heapUsed)} MB (peak ${mb(peak.heapUsed)}), heap total ${mb(memory.heapTotal)} MB`);
    rows.push({ metric: 'server RSS', value: `${mb(peak.rss)} MB`, note: 'peak during ingest' }, { metric: 'server heap used', value: `${mb(peak.heapUsed)} MB`, note: 'peak during ingest' });
    for (const [label, path] of [['stats', '/v1/stats'], ['cooccurrence, cold', '/v1/cooccurrence'], ['cooccurrence, cached', '/v1/cooccurrence']]) {
      const t = performance.now();
      const { status, text } = await get(`${url}${path}?site=${SITE}`, agent);
      const ms = performance.now() - t;
      rows.push({ metric: `GET ${label}`, value: `${ms.toFixed(1)} ms`, note: `${status}, ${(text.length / 1024).toFixed(1)} KB` });
      console.log(`  GET ${path}: ${status}, ${(text.length / 1024).toFixed(1)} KB in ${ms.toFixed(1)} ms`);
    }
    return rows;
  } finally {
    await last?.close?.();
    await baseline?.remove();
  }
}

// One ingest of `bodies` into a fresh database by `clients` clients, each with one request
// in flight at a time (bounded concurrency), after warm-up batches of its own (so JIT and
// page cache do not count). With `keep`, the collector stays up for the pulls: close() it.
async function ingest(file, bodies, total, warm, clients, keep = false, { serverOptions = {}, headers = {} } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'attune-bench-'));
  const dbFile = join(dir, 'bench.sqlite');
  const { child, url, stop } = await startChild(file, dbFile, serverOptions);
  const send = (body) => post(url, agent, body, SITE, headers);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const close = async () => {
    agent.destroy();
    await stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const body of warm) await send(body);
    const peak = { rss: 0, heapUsed: 0 };
    const sample = ({ memory }) => {
      peak.rss = Math.max(peak.rss, memory.rss);
      peak.heapUsed = Math.max(peak.heapUsed, memory.heapUsed);
    };
    const sampler = setInterval(() => nextMessage(child, 'memory', 'memory').then(sample, () => {}), 200);
    const { cpu: cpuBefore } = await nextMessage(child, 'memory', 'memory');
    const latencies = [];
    let next = 0;
    let stored = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const t = performance.now();
          const { status, json } = await send(body);
          latencies.push(performance.now() - t);
          if (status === 200) stored += json.stored;
          else failed++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const last = await nextMessage(child, 'memory', 'memory');
    // The fold may still be catching up (it runs beside ingest, at a lower priority): a
    // read of the aggregates waits for it, so its time is the lag, and the CPU until it
    // answers is everything the events cost.
    const settleStarted = performance.now();
    await get(`${url}/v1/stats?site=${SITE}`, agent);
    const catchUpMs = performance.now() - settleStarted;
    const settled = await nextMessage(child, 'memory', 'memory');
    clearInterval(sampler);
    sample(last);
    sample(settled);
    const { memory, cpu } = last;
    // CPU time the server itself used: on a shared machine the wall-clock rate depends on
    // the neighbours, this much less.
    const cpuSeconds = (cpu.user - cpuBefore.user + cpu.system - cpuBefore.system) / 1e6;
    const cpuAllSeconds = (settled.cpu.user - cpuBefore.user + settled.cpu.system - cpuBefore.system) / 1e6;
    const [p50, p95, p99] = [0.5, 0.95, 0.99].map((q) => quantile(latencies, q));
    const figures = { rate: total / seconds, seconds, cpuSeconds, cpuAllSeconds, catchUpMs, stored, failed, p50, p95, p99, max: Math.max(...latencies), memory, peak };
    if (keep) return { ...figures, url, agent, dbFile, close };
    await close();
    return figures;
  } catch (error) {
    await close();
    throw error;
  }
}

// A plausible mix of what the SDK sends, pre-serialised so that the clients spend their
// time sending, not building JSON: page views, product views, variant impressions and
// conversions (one in ten in the holdout), and orders of 1-4 products, from 5,000 visitors
// over 500 products. `perBatch` > 0 draws that many visitors per batch and each event from
// them; 0 draws each event's visitor afresh. The aggregates read and write rows per visitor,
// so a batch of one visitor touches far fewer of them.
function makeBatches(total, batchSize, prefix = 'm', perBatch = 0) {
  let seed = 42;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const pick = (n) => Math.floor(random() * n);
  const context = {
    page: { url: 'https://shop.example/products/p1?utm_source=news', path: '/products/p1', search: '?utm_source=news', referrer: 'https://news.example/', title: 'A product' },
    campaign: { source: 'news', medium: 'email', name: 'spring' },
    locale: 'en-GB',
    timezone: 'Europe/London',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    screen: { width: 1920, height: 1080, density: 1 },
    library: { name: 'attune', version: '0.1.0' },
  };
  const start = Date.UTC(2024, 4, 1);
  const events = [];
  let visitors = [];
  for (let i = 0; i < total; i++) {
    if (perBatch > 0 && i % batchSize === 0) visitors = Array.from({ length: perBatch }, () => `visitor-${pick(5000)}`);
    const base = {
      anonymousId: perBatch > 0 ? visitors[pick(perBatch)] : `visitor-${pick(5000)}`,
      messageId: `${prefix}-${i}-${pick(1e9)}`,
      timestamp: new Date(start + i * 1000).toISOString(),
      context,
    };
    const r = random();
    const product = `p${pick(500)}`;
    if (r < 0.3) events.push({ type: 'page', name: 'Product', properties: { path: '/products' }, ...base });
    else if (r < 0.7) events.push({ type: 'track', event: 'Product Viewed', properties: { product_id: product, price: 19.9, category: 'shoes' }, ...base });
    else if (r < 0.95) events.push({ type: 'track', event: 'Variant Viewed', properties: { placement: `place-${pick(4)}`, variant: `v${pick(3)}`, reason: 'bandit', segment: pick(2) ? 'returning' : 'new', group: pick(10) ? 'treatment' : 'holdout' }, ...base });
    else if (r < 0.98) events.push({ type: 'track', event: 'Variant Converted', properties: { placement: `place-${pick(4)}`, variant: `v${pick(3)}`, goal: 'order', segment: pick(2) ? 'returning' : 'new', group: pick(10) ? 'treatment' : 'holdout' }, ...base });
    else {
      const products = Array.from({ length: 1 + pick(4) }, () => ({ product_id: `p${pick(500)}`, price: 19.9, quantity: 1, category: 'shoes' }));
      events.push({ type: 'track', event: 'Order Completed', properties: { order_id: `o-${i}`, revenue: 39.8, currency: 'EUR', products }, ...base });
    }
  }
  const bodies = [];
  for (let i = 0; i < events.length; i += batchSize) {
    bodies.push(JSON.stringify({ batch: events.slice(i, i + batchSize), sentAt: new Date().toISOString() }));
  }
  return bodies;
}
