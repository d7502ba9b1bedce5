#!/usr/bin/env node
/**
 * Collector ingest benchmark: the built collector (dist/collector.mjs) in a child
 * process on a temporary SQLite file, fed 100,000 events in batches of 50 by 8
 * concurrent clients over loopback. Prints events/s (goal ≥ 20,000) and the server's
 * memory; then how long the pull endpoints take on what was ingested; then how long
 * a co-occurrence rebuild of 1,000,000 interactions takes and how long /healthz takes
 * meanwhile (the rebuild runs off the event loop, so it should stay in milliseconds).
 * It prints figures and never fails on speed.
 *
 *   npm run build && node bench/collector.mjs [--events 100000] [--batch 50] [--clients 8] [--interactions 1000000]
 *
 * `npm run bench` (bench/run.mjs) imports this module and calls `run()`, which returns
 * the summary rows.
 */
import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median, quantile } from './lib.mjs';

const COLLECTOR = fileURLToPath(new URL('../dist/collector.mjs', import.meta.url));
const SITE = 'bench';

// Child mode: run the collector and answer memory questions over IPC, so the figures
// are the server's alone, not the load generator's.
if (process.argv[2] === '--serve') {
  const { startCollector } = await import(COLLECTOR);
  const collector = await startCollector({ port: 0, db: process.argv[3] });
  process.on('message', async (message) => {
    if (message === 'memory') process.send({ memory: process.memoryUsage(), cpu: process.cpuUsage() });
    if (message === 'close') {
      await collector.close();
      process.exit(0);
    }
  });
  // If the benchmark dies, the IPC channel closes: do not outlive it.
  process.on('disconnect', () => collector.close().then(() => process.exit(0)));
  process.send({ url: collector.url });
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
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
      interactions: { type: 'string', default: '1000000' },
    },
  });
  const total = Number(values.events);
  const batchSize = Number(values.batch);
  const clients = Number(values.clients);
  if (!existsSync(COLLECTOR)) {
    throw new Error('dist/collector.mjs is missing: run `npm run build` first.');
  }
  const serverDir = fileURLToPath(new URL('../server/', import.meta.url));
  const newestSource = Math.max(...readdirSync(serverDir, { recursive: true }).map((f) => statSync(join(serverDir, f)).mtimeMs));
  if (newestSource > statSync(COLLECTOR).mtimeMs) console.log('note: server/ changed since dist/collector.mjs was built; run `npm run build` to measure the current code.');
  const dir = await mkdtemp(join(tmpdir(), 'attune-bench-'));
  const dbFile = join(dir, 'bench.sqlite');
  const child = fork(fileURLToPath(import.meta.url), ['--serve', dbFile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { url } = await nextMessage(child, 'url');
    const bodies = makeBatches(total, batchSize);
    const bytes = bodies.reduce((sum, b) => sum + b.length, 0);
    const agent = new Agent({ keepAlive: true, maxSockets: clients });

    // Warm-up: a few batches of their own, so JIT and page cache do not count against the run.
    for (const body of makeBatches(500, batchSize, 'warm')) await post(url, agent, body);

    const peak = { rss: 0, heapUsed: 0 };
    const sampler = setInterval(async () => {
      const { memory } = await nextMessage(child, 'memory', 'memory');
      peak.rss = Math.max(peak.rss, memory.rss);
      peak.heapUsed = Math.max(peak.heapUsed, memory.heapUsed);
    }, 200);

    const { cpu: cpuBefore } = await nextMessage(child, 'memory', 'memory');
    const latencies = [];
    let next = 0;
    let stored = 0;
    let failed = 0;
    const started = performance.now();
    // 8 clients, each with one request in flight at a time: bounded concurrency.
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const t = performance.now();
          const { status, json } = await post(url, agent, body);
          latencies.push(performance.now() - t);
          if (status === 200) stored += json.stored;
          else failed++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const { memory, cpu } = await nextMessage(child, 'memory', 'memory');
    // CPU time the server itself used: on a shared machine the wall-clock rate depends on
    // the neighbours, this does not.
    const cpuSeconds = (cpu.user - cpuBefore.user + cpu.system - cpuBefore.system) / 1e6;

    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
    const mb = (n) => (n / 1024 / 1024).toFixed(1);
    console.log(`collector ingest: ${total} events in ${bodies.length} batches of ${batchSize}, ${clients} clients, ${mb(bytes)} MB of JSON`);
    console.log(`  ${Math.round(total / seconds)} events/s (goal ≥ 20000), ${seconds.toFixed(2)} s; stored ${stored}, failed batches ${failed}`);
    console.log(`  server CPU ${cpuSeconds.toFixed(2)} s (${Math.round(total / cpuSeconds)} events per CPU-second); load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} CPUs`);
    console.log(`  batch latency ms: p50 ${pct(0.5)}, p95 ${pct(0.95)}, p99 ${pct(0.99)}, max ${latencies.at(-1).toFixed(1)}`);
    console.log(`  server memory: rss ${mb(memory.rss)} MB (peak ${mb(Math.max(peak.rss, memory.rss))}), heap used ${mb(memory.heapUsed)} MB (peak ${mb(Math.max(peak.heapUsed, memory.heapUsed))}), heap total ${mb(memory.heapTotal)} MB`);

    const pulls = [];
    for (const [label, path] of [['stats', '/v1/stats'], ['cooccurrence, cold', '/v1/cooccurrence'], ['cooccurrence, cached', '/v1/cooccurrence']]) {
      const t = performance.now();
      const { status, text } = await get(`${url}${path}?site=${SITE}`, agent);
      const ms = performance.now() - t;
      pulls.push({ metric: `GET ${label}`, value: `${ms.toFixed(1)} ms`, note: `${status}, ${(text.length / 1024).toFixed(1)} KB` });
      console.log(`  GET ${path}: ${status}, ${(text.length / 1024).toFixed(1)} KB in ${ms.toFixed(1)} ms`);
    }
    const rebuild = await rebuildFigures(url, dbFile, Number(values.interactions));
    agent.destroy();
    child.send('close');
    await new Promise((resolve) => child.once('exit', resolve));
    return [
      { metric: 'ingest', value: `${Math.round(total / seconds)} events/s`, note: `goal ≥ 20000; ${total} events, batches of ${batchSize}, ${clients} clients` },
      { metric: 'server CPU', value: `${Math.round(total / cpuSeconds)} events/CPU-s`, note: `load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} CPUs` },
      { metric: 'server RSS', value: `${mb(Math.max(peak.rss, memory.rss))} MB`, note: 'peak during ingest' },
      { metric: 'server heap used', value: `${mb(Math.max(peak.heapUsed, memory.heapUsed))} MB`, note: 'peak during ingest' },
      ...pulls,
      ...rebuild,
    ];
  } finally {
    if (child.exitCode === null) child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

// A site with `count` interactions written straight into the database (ingesting them over
// HTTP would take a minute), then its first /v1/cooccurrence, which waits for the rebuild,
// while a client asks /healthz every 10 ms, as a load balancer would (asking flat out would
// mostly measure the benchmark taking the CPU from the rebuild).
async function rebuildFigures(url, dbFile, count) {
  const site = 'bench-rebuild';
  const db = new Database(dbFile);
  const insert = db.prepare('INSERT INTO interactions (site, kind, product_id, visitor, time, order_id) VALUES (?, ?, ?, ?, ?, ?)');
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const start = Date.UTC(2024, 4, 1);
  // Visitors browsing 5,000 products in sessions of 2-6 views near one another, one in five ending in an order.
  db.transaction(() => {
    for (let v = 0, written = 0; written < count; v++) {
      let time = start + Math.floor(random() * 29 * 864e5);
      const around = Math.floor(random() * 5000);
      for (let k = 2 + Math.floor(random() * 5); k > 0 && written < count; k--, written++) {
        insert.run(site, 'view', `p${(around + Math.floor(random() * 40)) % 5000}`, `v${v}`, (time += 60_000), null);
      }
      if (random() < 0.2) for (let k = 1 + Math.floor(random() * 3); k > 0 && written < count; k--, written++) insert.run(site, 'buy', `p${(around + k) % 5000}`, `v${v}`, time, `o${v}`);
    }
  })();
  db.close();
  // Fresh connections: the ingest's kept-alive ones may have been closed while idle during the insert.
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const started = performance.now();
  let done = false;
  const table = get(`${url}/v1/cooccurrence?site=${site}`, agent).finally(() => (done = true));
  const health = [];
  while (!done) {
    const t = performance.now();
    await get(`${url}/healthz`, agent);
    health.push(performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const { status, text } = await table;
  const rebuildMs = performance.now() - started;
  const t = performance.now();
  await get(`${url}/v1/cooccurrence?site=${site}`, agent);
  const cachedMs = performance.now() - t;
  agent.destroy();
  const [p50, p95, max] = [median(health), quantile(health, 0.95), Math.max(...health)].map((x) => x.toFixed(1));
  console.log(`collector rebuild: ${count} interactions, GET /v1/cooccurrence ${status}, ${(text.length / 1024).toFixed(0)} KB after ${(rebuildMs / 1000).toFixed(2)} s (cached: ${cachedMs.toFixed(1)} ms)`);
  console.log(`  GET /healthz meanwhile, ${health.length} requests 10 ms apart: median ${p50} ms, p95 ${p95} ms, max ${max} ms`);
  return [
    { metric: 'co-occurrence rebuild', value: `${(rebuildMs / 1000).toFixed(2)} s`, note: `${count} interactions, first request waits for it` },
    { metric: '/healthz during rebuild', value: `${p50} ms median`, note: `p95 ${p95} ms, max ${max} ms over ${health.length} requests` },
  ];
}

// Waits for the child's next message carrying `key`, after sending `ask` if given.
function nextMessage(child, key, ask) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message && key in message) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      }
    };
    const onExit = (code) => reject(new Error(`collector exited with code ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (ask) child.send(ask);
  });
}

function post(url, agent, body) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/batch?site=${SITE}`, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function get(url, agent) {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    })
      .on('error', reject)
      .end();
  });
}

// A plausible mix of what the SDK sends, pre-serialised so that the clients spend their
// time sending, not building JSON: page views, product views, variant impressions and
// conversions, and orders of 1-4 products, from 5,000 visitors over 500 products.
function makeBatches(total, batchSize, prefix = 'm') {
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
  for (let i = 0; i < total; i++) {
    const base = {
      anonymousId: `visitor-${pick(5000)}`,
      messageId: `${prefix}-${i}-${pick(1e9)}`,
      timestamp: new Date(start + i * 1000).toISOString(),
      context,
    };
    const r = random();
    const product = `p${pick(500)}`;
    if (r < 0.3) events.push({ type: 'page', name: 'Product', properties: { path: '/products' }, ...base });
    else if (r < 0.7) events.push({ type: 'track', event: 'Product Viewed', properties: { product_id: product, price: 19.9, category: 'shoes' }, ...base });
    else if (r < 0.95) events.push({ type: 'track', event: 'Variant Viewed', properties: { placement: `place-${pick(4)}`, variant: `v${pick(3)}`, reason: 'bandit', segment: pick(2) ? 'returning' : 'new' }, ...base });
    else if (r < 0.98) events.push({ type: 'track', event: 'Variant Converted', properties: { placement: `place-${pick(4)}`, variant: `v${pick(3)}`, goal: 'order', segment: pick(2) ? 'returning' : 'new' }, ...base });
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
