// `npm run bench`: builds dist/ when it is missing or older than src/, runs every bench module in
// turn, and prints a summary. It prints figures and never fails on speed: the exit code is 1 only
// when something is broken (the build fails, a bench throws).
//
// A bench module exports `async function run(options?)` that prints its own details and returns
// summary rows: [{ metric, value, note? }]; a BENCHES entry's `options` are passed to it.
// bench/collector.mjs, when present, runs last.
// ATTUNE_BENCH_REBUILD=1 forces the build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT, SRC, heading, printTable } from './lib.mjs';

/** The bench modules, in the order they run. */
const BENCHES = [
  { name: 'size', file: 'size.mjs' },
  // Issue #15: an app's main chunk when it bundles the npm module (Vite, Rollup, esbuild --splitting; ~30 s).
  { name: 'app size (npm module)', file: 'app-size.mjs' },
  // Issue #15: the tag's blocking time in <head> beside GrowthBook's auto script, and tag start to variant.
  { name: 'head script (Chromium)', file: 'head-script.mjs' },
  { name: 'track (Chromium)', file: 'track-chromium.mjs' },
  { name: 'delivery (Chromium)', file: 'delivery-chromium.mjs' },
  { name: 'profile (Node)', file: 'profile-node.mjs' },
  { name: 'decide vs GrowthBook', file: 'decide.mjs' },
  { name: 'quiz', file: 'quiz.mjs' },
  // The offline evaluation only (~8 s): Node query times, --ease and the widget bundles are `npm run bench:recs`'s.
  { name: 'recommendations (offline)', file: 'recs.mjs', options: { only: 'eval' } },
  { name: 'recommendations (Chromium)', file: 'recs-chromium.mjs' },
  // Issue #13: GET /v1/report over 1,000,000 events ingested through the built collector (a minute or more).
  { name: 'report (collector)', file: 'report.mjs' },
  // Issue #14: webhook deliveries per second to a loopback receiver (~15 s).
  { name: 'webhooks (collector)', file: 'webhooks.mjs' },
  // Issue #16: /v1/cooccurrence and /v1/popular at 100,000 and 1,000,000 stored interactions, and the hook's CPU at ingest (~2 min).
  { name: 'co-occurrence (collector)', file: 'cooc.mjs' },
  // Issue #16: store + fold on PostgreSQL, 100,000 events, 1 writer against 2 (skipped without PostgreSQL; ~1 min).
  { name: 'store + fold (PostgreSQL)', file: 'postgres-fold.mjs' },
  // Issue #16: the pulls' and /v1/stats' reads at 100,000 and 1,000,000 interactions on PostgreSQL against SQLite, same state (~3 min).
  { name: 'pulls on PostgreSQL', file: 'postgres-pulls.mjs' },
];
/** Written separately; run last when it exists. */
// Ingest against the collector before the report aggregates (issue #13) and, in the same
// rounds, with write keys against without (issue #14); each batch one visitor's, as the SDK sends.
const COLLECTOR = { name: 'collector', file: 'collector.mjs', options: ['--visitors-per-batch', '1', '--keys'] };

/** The newest modification time of any file under a folder. */
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }, 0);

function buildIfStale() {
  const bundle = path.join(DIST, 'attune.min.js');
  const reason = !existsSync(bundle)
    ? 'dist/attune.min.js is missing'
    : statSync(bundle).mtimeMs < newest(SRC)
      ? 'src/ changed since the last build'
      : process.env.ATTUNE_BENCH_REBUILD
        ? 'ATTUNE_BENCH_REBUILD is set'
        : '';
  if (!reason) return console.log('dist/ is up to date with src/; not rebuilding.');
  console.log(`Building (${reason}): npm run build`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (${result.error?.message ?? `exit ${result.status}`})`);
}

async function main() {
  const started = Date.now();
  const rows = [];
  const broken = [];
  try {
    buildIfStale();
  } catch (error) {
    console.error(String(error?.message ?? error));
    process.exitCode = 1;
    return;
  }
  const benches = [...BENCHES];
  if (existsSync(new URL(COLLECTOR.file, import.meta.url))) benches.push(COLLECTOR);
  for (const { name, file, options } of benches) {
    try {
      const module = await import(pathToFileURL(path.join(ROOT, 'bench', file)).href);
      // A module without `run` did its work when it was imported.
      const result = typeof module.run === 'function' ? await module.run(options) : undefined;
      for (const row of Array.isArray(result) ? result : []) rows.push([name, row.metric, row.value, row.note ?? '']);
    } catch (error) {
      broken.push(name);
      console.error(`\n${name}: broken: ${error?.stack ?? error}`);
      rows.push([name, 'ERROR', String(error?.message ?? error).split('\n')[0].slice(0, 100), '']);
    }
  }
  heading('Summary');
  printTable([['bench', 'metric', 'value', 'note'], ...rows]);
  console.log(`\n${benches.length} benches in ${((Date.now() - started) / 1000).toFixed(1)} s${broken.length ? `; broken: ${broken.join(', ')}` : ''}.`);
  if (broken.length) process.exitCode = 1;
}

await main();
