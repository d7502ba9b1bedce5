#!/usr/bin/env node
/**
 * Co-occurrence and popularity kept at ingest (issue #16): how long `GET /v1/cooccurrence`
 * and `GET /v1/popular` take at 100,000 and 1,000,000 stored interactions, cold (the first
 * pull after a batch of 50 product events: the fold, the refresh of the lists it changed
 * and the table read from the stored rows) and cached (nothing changed since: the body
 * from memory, and a 304); and the server CPU the fold's co-occurrence hook adds per
 * product event at ingest, against the collector before it (BASELINE_REF), alternately on
 * the same batches. Built collector (dist/collector.mjs) in a child process, fixed clock.
 * It prints figures and never fails on speed.
 *
 *   npm run build && node bench/cooc.mjs [--sizes 100000,1000000] [--events 50000] [--rounds 2] [--baseline <git ref>|none]
 *
 * The history of each size is written to `interactions` directly, as a file from before
 * schema 3 holds it; the collector rebuilds the state from it once at start (printed too:
 * that is the cost of an upgrade or an options change, not of a pull).
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildBaseline, COLLECTOR, get, nextMessage, post, startChild } from './collector-lib.mjs';
import { heading, median, printTable } from './lib.mjs';

/** The last commit before co-occurrence was kept at ingest: pulls rebuilt it from the history. */
export const BASELINE_REF = 'b855079';
/** The site the filled history belongs to. */
export const SITE = 'bench-cooc';
const START = Date.UTC(2024, 4, 1);
/** The collector's fixed clock: 40 days after the filled history starts (it spans 30). */
export const CLOCK = START + 40 * 864e5;
const PRODUCTS = 5000;

/** Runs the benchmark, prints its figures, and returns summary rows for bench/run.mjs. */
export async function run(args = []) {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string', default: '100000,1000000' },
      events: { type: 'string', default: '50000' },
      rounds: { type: 'string', default: '2' },
      baseline: { type: 'string', default: BASELINE_REF },
    },
  });
  if (!existsSync(COLLECTOR)) throw new Error('dist/collector.mjs is missing: run `npm run build` first.');
  heading('co-occurrence and popularity kept at ingest (issue #16)');
  const rows = [];
  const sizes = values.sizes.split(',').map(Number);
  const table = [['stored interactions', 'rebuild at start', 'cooccurrence cold', 'cached', '304', 'popular cold', 'cached', 'body']];
  for (const size of sizes) {
    const f = await pullFigures(size);
    table.push([size, `${(f.startMs / 1000).toFixed(2)} s`, ms(f.cold), ms(f.cached), ms(f.notModified), ms(f.popularCold), ms(f.popularCached), `${f.kb} KB`]);
    rows.push(
      { metric: `GET /v1/cooccurrence at ${size} interactions`, value: `${ms(f.cold)} cold`, note: `after a batch of 50 product events; cached ${ms(f.cached)}, 304 ${ms(f.notModified)}; ${f.kb} KB` },
      { metric: `GET /v1/popular at ${size} interactions`, value: `${ms(f.popularCold)} cold`, note: `cached ${ms(f.popularCached)}` },
      { metric: `state rebuilt at start from ${size} interactions`, value: `${(f.startMs / 1000).toFixed(2)} s`, note: 'once, for a file from before schema 3 or other session options' },
    );
  }
  printTable(table);
  console.log('  cold: median of 5 pulls, each right after a batch of 50 product events (fold + refresh of changed lists + table read); cached: unchanged since');

  const ref = values.baseline === 'none' ? null : values.baseline;
  const cpu = await foldCpu(Number(values.events), Number(values.rounds), ref);
  rows.push(...cpu);
  return rows;
}

const ms = (x) => `${x.toFixed(1)} ms`;

/**
 * A site's history written straight to `interactions` of a migrated file: visitors browsing
 * 5,000 products in sessions of 2-6 views near one another over 30 days, one in five ending
 * in an order. Deterministic (bench/postgres-pulls.mjs fills the same history).
 */
export function fill(dbFile, count) {
  const db = new Database(dbFile);
  const insert = db.prepare('INSERT INTO interactions (site, kind, product_id, visitor, time, order_id) VALUES (?, ?, ?, ?, ?, ?)');
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  db.transaction(() => {
    for (let v = 0, written = 0; written < count; v++) {
      let time = START + Math.floor(random() * 29 * 864e5);
      const around = Math.floor(random() * PRODUCTS);
      for (let k = 2 + Math.floor(random() * 5); k > 0 && written < count; k--, written++) {
        insert.run(SITE, 'view', `p${(around + Math.floor(random() * 40)) % PRODUCTS}`, `v${v}`, (time += 60_000), null);
      }
      if (random() < 0.2) for (let k = 1 + Math.floor(random() * 3); k > 0 && written < count; k--, written++) insert.run(SITE, 'buy', `p${(around + k) % PRODUCTS}`, `v${v}`, time, `o${v}`);
    }
  })();
  db.close();
}

let sequence = 0;
// Product events as the SDK sends them: a batch is one browser's, views near one product
// and, one batch in five, an order of what was viewed.
function productBatch(visitor, size, at, seed) {
  let s = seed;
  const random = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
  const around = Math.floor(random() * PRODUCTS);
  const events = [];
  const viewed = [];
  for (let i = 0; i < size; i++) {
    const timestamp = new Date(at + i * 30_000).toISOString();
    const base = { type: 'track', anonymousId: visitor, messageId: `cooc-${++sequence}`, timestamp, context: {} };
    if (i === size - 1 && random() < 0.2 && viewed.length) {
      events.push({ ...base, event: 'Order Completed', properties: { order_id: `o-${sequence}`, products: viewed.slice(0, 3).map((product_id) => ({ product_id })) } });
    } else {
      const product_id = `p${(around + Math.floor(random() * 40)) % PRODUCTS}`;
      viewed.push(product_id);
      events.push({ ...base, event: 'Product Viewed', properties: { product_id } });
    }
  }
  return JSON.stringify({ batch: events, sentAt: new Date(at).toISOString() });
}

async function pullFigures(size) {
  const dir = await mkdtemp(join(tmpdir(), 'attune-bench-cooc-'));
  const file = join(dir, 'bench.sqlite');
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  try {
    // The collector writes the schema; the history goes in while it is stopped.
    await (await startChild(COLLECTOR, file, { clock: CLOCK })).stop();
    fill(file, size);
    const started = performance.now();
    const { url, stop } = await startChild(COLLECTOR, file, { clock: CLOCK, rebuildWaitMs: 600_000 });
    try {
      const first = await get(`${url}/v1/cooccurrence?site=${SITE}`, agent);
      const startMs = performance.now() - started;
      const kb = (first.text.length / 1024).toFixed(0);
      const timed = async (path, headers) => {
        const t = performance.now();
        const res = await getTagged(`${url}${path}?site=${SITE}`, agent, headers);
        return { ms: performance.now() - t, ...res };
      };
      const figures = { cold: [], cached: [], notModified: [], popularCold: [], popularCached: [] };
      for (let i = 0; i < 5; i++) {
        const at = CLOCK - 3_600_000 + i * 60_000;
        await post(url, agent, productBatch(`new-${size}-${i}`, 50, at, 1000 + i), SITE);
        const cold = await timed('/v1/cooccurrence');
        figures.cold.push(cold.ms);
        const cached = await timed('/v1/cooccurrence');
        figures.cached.push(cached.ms);
        figures.notModified.push((await timed('/v1/cooccurrence', { 'If-None-Match': cached.etag })).ms);
        await post(url, agent, productBatch(`pop-${size}-${i}`, 50, at + 30_000, 2000 + i), SITE);
        figures.popularCold.push((await timed('/v1/popular')).ms);
        figures.popularCached.push((await timed('/v1/popular')).ms);
      }
      const out = Object.fromEntries(Object.entries(figures).map(([k, list]) => [k, median(list)]));
      return { ...out, startMs, kb };
    } finally {
      await stop();
    }
  } finally {
    agent.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

// A GET that keeps the ETag, which the shared helper drops.
function getTagged(url, agent, headers = {}) {
  return new Promise((resolve, reject) => {
    request(url, { agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text, etag: res.headers.etag }));
    })
      .on('error', reject)
      .end();
  });
}

// Server CPU per product event, ingesting the same batches into the current collector and the
// baseline alternately; the fold and the lists' refresh are waited for before CPU is read.
async function foldCpu(total, rounds, ref) {
  const bodies = [];
  for (let i = 0; bodies.length * 10 < total; i++) bodies.push(productBatch(`ingest-${i % 5000}`, 10, START + i * 60_000, 7 + i));
  let baseline;
  const runs = [];
  try {
    if (ref) baseline = await buildBaseline(ref);
    for (let round = 1; round <= rounds; round++) {
      if (baseline) runs.push({ label: `baseline ${ref}`, us: await ingestCpu(baseline.file, bodies) });
      runs.push({ label: 'current', us: await ingestCpu(COLLECTOR, bodies) });
    }
  } finally {
    await baseline?.remove();
  }
  const of = (label) => median(runs.filter((r) => r.label.startsWith(label)).map((r) => r.us));
  const load = `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`;
  console.log(`collector ingest of ${bodies.length * 10} product events (batches of 10, one visitor each, 4 clients): server CPU per event`);
  printTable([['collector', 'CPU µs/event'], ...runs.map((r) => [r.label, r.us.toFixed(1)])]);
  const rows = [{ metric: 'ingest CPU, product events', value: `${of('current').toFixed(1)} µs/event`, note: load }];
  if (baseline) {
    const added = of('current') - of('baseline');
    console.log(`  added by the co-occurrence hook: ${added.toFixed(1)} µs per product event (current ${of('current').toFixed(1)}, baseline ${of('baseline').toFixed(1)}); ${load}`);
    rows.push({ metric: 'ingest CPU added by co-occurrence', value: `${added.toFixed(1)} µs/event`, note: `against ${ref} (${of('baseline').toFixed(1)} µs/event), medians of ${rounds}` });
  }
  return rows;
}

async function ingestCpu(file, bodies) {
  const dir = await mkdtemp(join(tmpdir(), 'attune-bench-cooc-'));
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const { child, url, stop } = await startChild(file, join(dir, 'bench.sqlite'), { clock: CLOCK + 365 * 864e5 });
  try {
    const before = (await nextMessage(child, 'memory', 'memory')).cpu;
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < bodies.length) await post(url, agent, bodies[next++], SITE);
      }),
    );
    // Folds what is queued; then the refresh of changed lists (100 ms after a fold) has time to run.
    await get(`${url}/v1/stats?site=${SITE}`, agent);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = (await nextMessage(child, 'memory', 'memory')).cpu;
    return ((after.user - before.user + after.system - before.system) / (bodies.length * 10));
  } finally {
    agent.destroy();
    await stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// Last, so that every module-level binding above is initialised when it runs.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(process.argv.slice(2));
}
