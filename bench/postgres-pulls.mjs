#!/usr/bin/env node
/**
 * Issue #16: how long the reads behind `GET /v1/cooccurrence` (with `/v1/popular`, one read)
 * and `GET /v1/stats` take at 100,000 and 1,000,000 stored interactions, on SQLite and on
 * PostgreSQL, over the same state. It prints figures and never fails on speed.
 *
 *   node bench/postgres-pulls.mjs [--sizes 100000,1000000] [--reads 20]
 *
 * The state is made once per size on SQLite: bench/cooc.mjs's deterministic history written to
 * `interactions` of a fresh file, the co-occurrence state rebuilt from it (`replaySite`, what
 * the collector does at start for such a file) and every list refreshed, plus 400
 * `variant_stats` rows (20 placements × 4 variants × 5 segments); then every table is copied
 * into a migrated database of a throwaway cluster (test/server/postgres/copy-from-sqlite.ts,
 * fsync off). Reads are in-process (no HTTP): SQLite through `createServe` (a fresh one per
 * read, i.e. the first pull of a process, and the held one, which re-reads only changed
 * products) and `EventStore.variantTotals`; PostgreSQL through `createPostgresReads` over a
 * pool of 2, likewise fresh (first) and held. Figures are medians of `--reads` reads after 3 warm-up reads.
 */
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CLOCK, fill, SITE } from './cooc.mjs';
import { heading, median, printTable, ROOT } from './lib.mjs';
import { missingPostgres, startCluster } from '../test/server/postgres/cluster.mjs';

// The TypeScript this bench runs, bundled on the fly; pg and better-sqlite3 stay imports.
const ENTRY = `
export { openDatabase } from './server/database';
export { createBatchWriter, createEventStore } from './server/event-store';
export { coocSettings } from './server/cooc/options';
export { replaySite } from './server/cooc/replay';
export { createRefresher } from './server/cooc/refresh';
export { createServe } from './server/cooc/serve';
export { COLLECTOR_COOCCURRENCE } from './server/cooccurrence-cache';
export { migratePostgres } from './server/postgres/migrate';
export { createPostgresReads } from './server/postgres/reads';
export { copyFromSqlite } from './test/server/postgres/copy-from-sqlite';
`;

async function loadSource() {
  // Inside the repository, so the bundle's `import 'pg'` resolves from node_modules.
  const dir = join(ROOT, 'node_modules', '.cache', 'attune-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `postgres-pulls-${process.pid}.mjs`);
  await build({ stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' }, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['pg', 'better-sqlite3'], outfile: file, logLevel: 'error' });
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}

const timeMs = async (read, reads) => {
  for (let i = 0; i < 3; i++) await read();
  const times = [];
  for (let i = 0; i < reads; i++) {
    const t = performance.now();
    await read();
    times.push(performance.now() - t);
  }
  return median(times);
};
const ms = (x) => `${x.toFixed(2)} ms`;

/** Runs the benchmark, prints its figures, and returns summary rows for bench/run.mjs. */
export async function run(args = []) {
  const { values } = parseArgs({ args, options: { sizes: { type: 'string', default: '100000,1000000' }, reads: { type: 'string', default: '20' } } });
  heading('pulls on PostgreSQL against SQLite (issue #16)');
  const missing = missingPostgres();
  if (missing) {
    console.log(`skipped: ${missing}`);
    return [{ metric: 'PostgreSQL pulls', value: 'skipped', note: missing }];
  }
  const src = await loadSource();
  const settings = src.coocSettings(src.COLLECTOR_COOCCURRENCE);
  const reads = Number(values.reads);
  const cluster = await startCluster();
  const admin = new pg.Client(cluster.url());
  await admin.connect();
  const table = [['stored interactions', 'state made (SQLite + copy)', 'pulls: SQLite first', 'SQLite held', 'PostgreSQL first', 'PostgreSQL held', 'stats: SQLite', 'PostgreSQL', 'body']];
  const rows = [];
  try {
    for (const size of values.sizes.split(',').map(Number)) {
      const dir = await mkdtemp(join(tmpdir(), 'attune-bench-pgpulls-'));
      const file = join(dir, 'state.sqlite');
      const name = `pulls_${size}`;
      let pool;
      let db;
      try {
        const made = performance.now();
        src.openDatabase(file).close();
        fill(file, size);
        const seed = new Database(file);
        const insert = seed.prepare('INSERT INTO variant_stats (site, placement, variant, segment, impressions, conversions) VALUES (?, ?, ?, ?, ?, ?)');
        seed.transaction(() => {
          for (let p = 0; p < 20; p++) for (let v = 0; v < 4; v++) for (let s = 0; s < 5; s++) insert.run(SITE, `placement-${p}`, `v${v}`, s ? `segment-${s}` : '', 1000 + p * v * s, 10 + v + s);
        })();
        seed.close();
        db = src.openDatabase(file);
        src.replaySite(db, SITE, settings);
        await src.createRefresher(db, settings).refresh(SITE);
        await admin.query(`CREATE DATABASE ${name}`);
        pool = new pg.Pool({ connectionString: cluster.url().replace(/\/[^/]*$/, `/${name}`), max: 2 });
        // An idle connection ended from the server side (a restart) is reported by the read that needs it, not as a crash.
        pool.on('error', (error) => console.warn(`an idle PostgreSQL connection failed: ${error.message}`));
        await src.migratePostgres(pool);
        const client = await pool.connect();
        try {
          await src.copyFromSqlite(db, client);
          await client.query('ANALYZE');
        } finally {
          client.release();
        }
        const madeS = (performance.now() - made) / 1000;

        const store = src.createEventStore(db, src.createBatchWriter(db, 0));
        const held = src.createServe(db, settings, 4);
        const pgReads = src.createPostgresReads(pool, { cooc: settings });
        const lite = held.tables(SITE, CLOCK);
        const onPg = await pgReads.pulls.tables(SITE, CLOCK);
        if (onPg.cooccurrence.body !== lite.cooccurrence.body || onPg.popular.body !== lite.popular.body) throw new Error(`the PostgreSQL bodies differ from SQLite's at ${size} interactions`);
        const f = {
          first: await timeMs(() => src.createServe(db, settings, 4).tables(SITE, CLOCK), reads),
          held: await timeMs(() => held.tables(SITE, CLOCK), reads),
          pgFirst: await timeMs(() => src.createPostgresReads(pool, { cooc: settings }).pulls.tables(SITE, CLOCK), reads),
          pg: await timeMs(() => pgReads.pulls.tables(SITE, CLOCK), reads),
          statsLite: await timeMs(() => store.variantTotals(SITE), reads),
          statsPg: await timeMs(() => pgReads.variantTotals(SITE), reads),
        };
        const kb = `${((lite.cooccurrence.body.length + lite.popular.body.length) / 1024).toFixed(0)} KB`;
        table.push([size, `${madeS.toFixed(1)} s`, ms(f.first), ms(f.held), ms(f.pgFirst), ms(f.pg), ms(f.statsLite), ms(f.statsPg), kb]);
        rows.push(
          { metric: `cooccurrence+popular read at ${size} interactions`, value: `PostgreSQL ${ms(f.pg)} held`, note: `${ms(f.pgFirst)} first; SQLite ${ms(f.held)} held, ${ms(f.first)} first; ${kb}` },
          { metric: `stats read at ${size} interactions`, value: `PostgreSQL ${ms(f.statsPg)}`, note: `SQLite ${ms(f.statsLite)}; 400 variant rows` },
        );
      } finally {
        db?.close();
        await pool?.end();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await admin.end();
    cluster.stop();
  }
  printTable(table);
  console.log(`  medians of ${reads} in-process reads; bodies checked byte-identical; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs`);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await run(process.argv.slice(2));
