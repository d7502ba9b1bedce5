#!/usr/bin/env node
/**
 * `GET /v1/report` over 1,000,000 stored events in 10 placements (issue #13; goal: median
 * ≤ 200 ms). The built collector (dist/collector.mjs) runs in a child process on a
 * temporary SQLite file, with an admin token, a config of 10 placements and a clock fixed
 * at the start, so that the default range (the last 30 days) is the history's. The events
 * arrive through `POST /v1/batch` like the SDK's (8 clients, batches of 100): ~100,000
 * visitors over 30 days with page views, exposures and conversions (3 variants, 2
 * segments, a 10 % holdout per placement and a 5 % site holdout), orders, quizzes,
 * recommendation rows and abandoned carts. Then the report is timed 30 times after 3
 * warm-ups for the default range, a segment and the last 7 days. It prints figures and
 * never fails on speed.
 *
 *   npm run build && node bench/report.mjs [--events 1000000] [--batch 100] [--clients 8] [--runs 30]
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { COLLECTOR, get, nextMessage, post, startChild } from './collector-lib.mjs';
import { heading, int, median, quantile } from './lib.mjs';

const SITE = 'shop';
const TOKEN = 'bench-report-admin-token-0123456789';
const DAY = 86_400_000;
const PLACEMENTS = Array.from({ length: 10 }, (_, i) => `place-${i}`);
const VARIANTS = ['v0', 'v1', 'v2'];
const QUIZZES = ['finder', 'gift'];
const LISTS = ['for-you', 'similar', 'trending'];
// What the report reads from the config: each placement's default, weighted split and holdout, and the site holdout.
const CONFIG = {
  holdout: 0.05,
  placements: PLACEMENTS.map((id) => ({
    id,
    strategy: 'weighted',
    default: 'v0',
    goal: ['Order Completed'],
    holdout: 0.1,
    // A weighted pool's weights add up to 1: the collector refuses a config whose do not.
    variants: VARIANTS.map((v) => ({ id: v, weight: 1 / VARIANTS.length })),
  })),
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(process.argv.slice(2));
}

/** Runs the benchmark, prints its figures, and returns summary rows for bench/run.mjs. */
export async function run(args = []) {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '1000000' },
      batch: { type: 'string', default: '100' },
      clients: { type: 'string', default: '8' },
      runs: { type: 'string', default: '30' },
    },
  });
  const [total, batchSize, clients, runs] = ['events', 'batch', 'clients', 'runs'].map((k) => Number(values[k]));
  heading('GET /v1/report (issue #13)');
  // Noon UTC today, fixed: the history's days and the default range stay put while the bench runs.
  const clock = Math.floor(Date.now() / DAY) * DAY + DAY / 2;
  const dir = await mkdtemp(join(tmpdir(), 'attune-report-'));
  const dbFile = join(dir, 'report.sqlite');
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify(CONFIG));
  let collector;
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  try {
    collector = await startChild(COLLECTOR, dbFile, { adminToken: TOKEN, clock, configFile });
    const { url } = collector;
    const history = createHistory(total, batchSize, clock);
    let failed = 0;
    // The server's own CPU time: on a shared machine the wall-clock time depends on the neighbours.
    const cpu = async () => (({ cpu: c }) => (c.user + c.system) / 1e6)(await nextMessage(collector.child, 'memory', 'memory'));
    const cpuBefore = await cpu();
    const started = performance.now();
    // Batches are built as they are sent (1M events would be ~300 MB of JSON held at once);
    // building one takes a fraction of a millisecond, the server's work several.
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let body = history.next(); body !== null; body = history.next()) {
          const { status, json } = await post(url, agent, body, SITE);
          if (status !== 200 || json.rejected.length) failed++;
        }
      }),
    );
    const ingestSeconds = (performance.now() - started) / 1000;
    const cpuSeconds = (await cpu()) - cpuBefore;
    const { bytes, main, wal } = await dbSize(dbFile);
    console.log(`ingest: ${int(history.events)} events from ${int(history.visitors)} visitors over 30 days in ${(ingestSeconds).toFixed(1)} s (${int(history.events / ingestSeconds)} events/s), batches of ${batchSize}, ${clients} clients; failed or partly rejected batches: ${failed}`);
    console.log(`  server CPU ${cpuSeconds.toFixed(1)} s (${((cpuSeconds / history.events) * 1e6).toFixed(1)} µs per event)`);
    console.log(`  kinds: ${Object.entries(history.kinds).map(([k, n]) => `${k} ${int(n)}`).join(', ')}`);
    console.log(`  database: ${(bytes / 1024 / 1024).toFixed(1)} MB (file ${(main / 1024 / 1024).toFixed(1)} MB, WAL ${(wal / 1024 / 1024).toFixed(1)} MB)`);

    const toDay = new Date(clock).toISOString().slice(0, 10);
    const weekAgo = new Date(clock - 6 * DAY).toISOString().slice(0, 10);
    const rows = [];
    for (const [label, query] of [
      ['default range (30 days)', ''],
      ['segment=returning', '&segment=returning'],
      [`7 days (${weekAgo} to ${toDay})`, `&from=${weekAgo}&to=${toDay}`],
    ]) {
      const r = await timeReport(`${url}/v1/report?site=${SITE}${query}`, agent, runs);
      console.log(`GET /v1/report, ${label}: median ${r.median.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms over ${runs} (after 3 warm-ups); ${(r.size / 1024).toFixed(1)} KB`);
      console.log(`  ${r.placements} placements, ${r.variants} variant rows, ${r.quizzes} quizzes, ${r.rows} rows; KPIs: ${int(r.visitors)} visitors, ${int(r.orders)} orders`);
      rows.push({ metric: `report, ${label}`, value: `${r.median.toFixed(1)} ms median`, note: `goal ≤ 200 ms; p95 ${r.p95.toFixed(1)}, max ${r.max.toFixed(1)} ms; ${(r.size / 1024).toFixed(1)} KB` });
    }
    const load = `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`;
    console.log(`  ${load}`);
    return [
      { metric: 'report ingest', value: `${ingestSeconds.toFixed(1)} s`, note: `${int(history.events)} events, ${int(history.events / ingestSeconds)} events/s, server CPU ${cpuSeconds.toFixed(1)} s; ${load}` },
      ...rows,
      { metric: 'report database', value: `${(bytes / 1024 / 1024).toFixed(1)} MB`, note: `${int(history.events)} events, file and WAL` },
    ];
  } finally {
    agent.destroy();
    await collector?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function dbSize(file) {
  const [main, wal] = await Promise.all([file, `${file}-wal`].map((f) => stat(f).then((s) => s.size, () => 0)));
  return { bytes: main + wal, main, wal };
}

// The report's time from request to last byte, `runs` times after 3 untimed warm-ups.
async function timeReport(url, agent, runs) {
  const headers = { Authorization: `Bearer ${TOKEN}` };
  let text = '';
  const times = [];
  for (let i = 0; i < 3 + runs; i++) {
    const t = performance.now();
    const response = await get(url, agent, headers);
    const ms = performance.now() - t;
    if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${response.text.slice(0, 200)}`);
    if (i >= 3) times.push(ms);
    text = response.text;
  }
  const report = JSON.parse(text);
  return {
    median: median(times),
    p95: quantile(times, 0.95),
    max: Math.max(...times),
    size: Buffer.byteLength(text),
    placements: report.placements.length,
    variants: report.placements.reduce((n, p) => n + p.variants.length, 0),
    quizzes: report.quizzes.length,
    rows: report.rows.length,
    visitors: report.kpis.visitors,
    orders: report.kpis.orders,
  };
}

/**
 * A seeded history, one visitor after another (each visitor's events in time order, as its
 * outbox sends them), cut into batches of `batchSize` as JSON: `next()` gives the next
 * batch, or null after `total` events. Shapes as the SDK's (src/api/decisions.ts) and
 * test/server/report.test.ts's. v2 and treatment convert better, so the report has a
 * winner and an uplift to compute.
 */
function createHistory(total, batchSize, clock) {
  let seed = 13;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const pick = (list) => list[Math.floor(random() * list.length)];
  const chance = (p) => random() < p;
  const start = (Math.floor(clock / DAY) - 29) * DAY;
  const context = { page: { url: 'https://shop.example/', path: '/', search: '', referrer: '', title: 'Shop' }, library: { name: 'attune', version: '0.1.0' } };
  const kinds = {};
  const state = { events: 0, visitors: 0, kinds };
  let queue = [];

  function visitor(v) {
    const anonymousId = `visitor-${v}`;
    const out = [];
    let n = 0;
    let time = start + random() * (clock - start - 6 * 3_600_000);
    const add = (type, event, properties) => {
      time += 15_000 + random() * 45_000;
      out.push({ type, ...(type === 'page' ? { name: 'Shop' } : { event }), properties, anonymousId, messageId: `r-${v}-${n++}`, timestamp: new Date(time).toISOString(), context });
    };
    const siteHoldout = chance(CONFIG.holdout);
    const arms = new Map(); // placement → [variant, group], sticky as the SDK keeps them
    const exposures = new Map(); // placement → segment of the first exposure
    const sessions = 1 + (chance(0.35) ? 1 : 0) + (chance(0.12) ? 1 : 0);
    for (let s = 0; s < sessions && time < clock - 3_600_000; s++) {
      if (s > 0) time += DAY * (0.5 + random() * 3);
      if (time >= clock - 3_600_000) break;
      const segment = s === 0 ? 'new' : 'returning';
      let clicked = null;
      for (let p = 1 + Math.floor(random() * 6); p > 0; p--) {
        add('page', null, { path: '/' });
        if (chance(0.6)) {
          const placement = pick(PLACEMENTS);
          if (!arms.has(placement)) arms.set(placement, siteHoldout || chance(0.1) ? ['v0', 'holdout'] : [pick(VARIANTS), 'treatment']);
          const [variant, group] = arms.get(placement);
          if (!exposures.has(placement)) exposures.set(placement, segment);
          add('track', 'Variant Viewed', { placement, variant, reason: group === 'holdout' ? 'holdout' : 'weighted', segment, group, ...(siteHoldout ? { holdout: 'site' } : {}) });
        }
        if (chance(0.15)) {
          const list = pick(LISTS);
          const products = Array.from({ length: 4 }, (_, i) => ({ product_id: `p${Math.floor(random() * 500)}`, position: i + 1 }));
          add('track', 'Product List Viewed', { list_id: list, products });
          if (chance(0.25)) add('track', 'Product Clicked', { list_id: list, ...(clicked = products[0]) });
        }
      }
      let completed = false;
      if (chance(0.06)) {
        const quiz = pick(QUIZZES);
        add('track', 'Quiz Started', { quiz_id: quiz, question_id: 'q1' });
        const answered = 1 + Math.floor(random() * 5);
        for (let q = 0; q < answered; q++) add('track', 'Quiz Question Answered', { quiz_id: quiz, question_id: `q${q + 1}`, index: q });
        if ((completed = answered === 5 || chance(0.4))) add('track', 'Quiz Completed', { quiz_id: quiz, outcome: `outcome-${Math.floor(random() * 5)}` });
        else add('track', 'Quiz Abandoned', { quiz_id: quiz, question_id: `q${answered + 1}` });
      }
      const arm = [...arms.values()];
      const odds = 0.03 + (arm.some(([v, g]) => v === 'v2' && g === 'treatment') ? 0.02 : 0) + (arm.some(([, g]) => g === 'treatment') ? 0.01 : 0) + (completed ? 0.02 : 0);
      if (chance(odds)) {
        const products = [...(clicked ? [{ product_id: clicked.product_id, price: 25, quantity: 1 }] : []), { product_id: `p${Math.floor(random() * 500)}`, price: 20 + Math.round(random() * 100), quantity: 1 }];
        const revenue = products.reduce((sum, p) => sum + p.price, 0);
        add('track', 'Order Completed', { order_id: `o-${v}-${s}`, revenue, currency: 'EUR', products });
        // The SDK credits the goal to every exposure it remembers, once per goal event name.
        for (const [placement, first] of exposures) {
          const [variant, group] = arms.get(placement);
          add('track', 'Variant Converted', { placement, variant, segment: first, group, goal: 'Order Completed', value: revenue, currency: 'EUR' });
        }
      } else if (chance(0.02)) add('track', 'Cart Abandoned', { cart_id: `c-${v}-${s}` });
    }
    return out;
  }

  return Object.assign(state, {
    next() {
      while (queue.length < batchSize && state.events + queue.length < total) queue.push(...visitor(state.visitors++));
      if (state.events + queue.length > total) queue.length = total - state.events;
      if (queue.length === 0) return null;
      const batch = queue.slice(0, batchSize);
      queue = queue.slice(batchSize);
      state.events += batch.length;
      for (const e of batch) kinds[e.event ?? 'page'] = (kinds[e.event ?? 'page'] ?? 0) + 1;
      return JSON.stringify({ batch, sentAt: new Date(clock).toISOString() });
    },
  });
}
