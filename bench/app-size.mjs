// Issue #15's app-size benchmark: what an app that bundles the npm module ships at start.
//
// Two tiny apps (bench/app-size-lib/apps/) are built against the built package (dist/, through
// package.json's `exports`, as an installed `attune` would be) with Vite, Rollup and esbuild
// --splitting: (a) one that calls createAttune with no widget on its page (goal: its main chunk
// ≤ 12,000 B gzip -9), (b) one that uses only evalCondition. For each build: the gzip -9 size
// (zlib level 9) of the entry chunk and of what loads at start (the entry and the chunks it
// imports statically), and which chunks hold the quiz, recommendations and triggers code (by
// module id and by a string only that code holds; see ADDONS in bundlers.mjs). Then where the
// bytes of (a)'s Rollup main chunk go, by module group, and what it would weigh without the parts
// the issue moves to the tag's second stage. Prints figures; never fails on size.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DIST, heading, int, printTable } from './lib.mjs';
import { BUNDLERS, PACKAGE_ROOT, addonsIn, appFolder, initialChunks } from './app-size-lib/bundlers.mjs';

/** Issue #15's goal for an app that uses createAttune without a widget: its main chunk, gzip -9. */
export const CREATE_ONLY_GOAL = 12_000;

/**
 * The parts of the main path that issue #15 moves after the first paint (the script tag's second
 * stage, which the npm module is to take as dynamic-import chunks too): capture other than the page
 * view, the sender and pulls, the widgets' loading and the impression observer. By module path under
 * dist/esm/.
 */
const SECOND_STAGE = /^(collect\/(clicks|engaged-time|scroll-depth|web-vitals)|sync\/|api\/widgets|widgets\/visible)/;
/** The full config validator, which the issue takes out of the tag (`attune check`, the collector, debug). */
const FULL_VALIDATOR = /^decide\/(config|condition-check)$/;

const gzip = (code) => gzipSync(code, { level: 9 }).length;
const sum = (values) => values.reduce((a, b) => a + b, 0);

/** A module id as the package's path (dist/esm/sync/sender.mjs → sync/sender), or its dependency's name. */
function moduleName(id) {
  const rel = path.relative(PACKAGE_ROOT, id).split(path.sep).join('/');
  if (rel.startsWith('node_modules/')) return `dependency ${rel.split('/')[1]}`;
  if (rel.startsWith('dist/esm/')) return rel.slice('dist/esm/'.length).replace(/\.mjs$/, '');
  if (rel.startsWith('dist/')) return rel.slice('dist/'.length).replace(/\.mjs$/, '');
  return 'the app';
}

/**
 * Shares a chunk's gzip size out over its modules in proportion to each one's size minified on
 * its own (approximate: gzip works across modules, but the shares rank the parts honestly).
 */
async function shares(chunk) {
  const { minify } = await import('terser');
  const sizes = new Map();
  for (const [id, code] of Object.entries(chunk.moduleCode)) {
    if (!code) continue;
    const min = (await minify(code, { ecma: 2020, module: true, compress: false, mangle: true })).code ?? '';
    sizes.set(moduleName(id), (sizes.get(moduleName(id)) ?? 0) + min.length);
  }
  const total = sum([...sizes.values()]);
  const whole = gzip(chunk.code);
  return new Map([...sizes].map(([name, bytes]) => [name, (whole * bytes) / total]));
}

/** Builds `app` with every bundler: rows of sizes and where the add-ons' code is. */
async function buildAll(app) {
  const rows = [];
  const results = {};
  for (const [bundler, build] of Object.entries(BUNDLERS)) {
    const folder = appFolder(app);
    try {
      const chunks = await build(folder.entry, folder.dir);
      const { entry, initial } = initialChunks(chunks);
      const atStart = sum(initial.map((c) => gzip(c.code)));
      const where = Object.fromEntries(['quiz', 'recs', 'triggers'].map((name) => [name, chunks.filter((c) => addonsIn(c).includes(name))]));
      const lazy = (name) => {
        const files = where[name];
        if (!files.length) return 'not bundled';
        const early = files.filter((c) => initial.includes(c));
        return `${files.map((c) => c.fileName).join(' + ')}${early.length ? ' (LOADED AT START)' : ''}`;
      };
      results[bundler] = { entry, atStart, early: initial.filter((c) => addonsIn(c).length).length };
      rows.push([bundler, int(gzip(entry.code)), int(atStart), String(initial.length), lazy('quiz'), lazy('recs'), lazy('triggers')]);
    } finally {
      folder.dispose();
    }
  }
  return { rows, results };
}

export async function run() {
  if (!existsSync(path.join(DIST, 'index.mjs'))) throw new Error('dist/index.mjs is missing: npm run build first');
  const summary = [];
  const header = ['bundler', 'entry chunk gzip -9 B', 'at start gzip -9 B', 'files at start', 'quiz code in', 'recs code in', 'triggers code in'];
  const apps = [
    ['create-only', '(a) createAttune, no widget', `goal ≤ ${int(CREATE_ONLY_GOAL)} B`],
    ['condition-only', '(b) evalCondition only', ''],
  ];
  const built = {};
  for (const [app, title, goal] of apps) {
    heading(`App size: ${title} (bench/app-size-lib/apps/${app}.js)`);
    const { rows, results } = await buildAll(app);
    built[app] = results;
    printTable([header, ...rows]);
    for (const [bundler, { atStart, early }] of Object.entries(results)) {
      const verdict = goal ? `${atStart <= CREATE_ONLY_GOAL ? 'within' : 'OVER'} ${goal}` : '';
      summary.push({
        metric: `${title}, ${bundler}: at start gzip -9`,
        value: `${int(atStart)} B`,
        note: [verdict, early ? 'add-on code loaded at start' : 'add-ons in lazy chunks only'].filter(Boolean).join('; '),
      });
    }
  }
  console.log('"at start": the entry chunk and the chunks it imports statically, each gzipped on its own, as served.');
  console.log('esbuild emits the widgets\' chunks even for (b), whose code never imports them (evanw/esbuild#3704); nothing loads them.');

  // Where (a)'s bytes go, from the Rollup build (its chunks keep each module's code).
  const folder = appFolder('create-only');
  let parts;
  try {
    const { entry } = initialChunks(await BUNDLERS.Rollup(folder.entry, folder.dir));
    parts = await shares(entry);
  } finally {
    folder.dispose();
  }
  const group = (name) =>
    SECOND_STAGE.test(name) ? 'second stage (capture, sender, pulls, widget loading)' : FULL_VALIDATOR.test(name) ? 'full config validator' : name.split('/')[0];
  const groups = new Map();
  for (const [name, bytes] of parts) groups.set(group(name), (groups.get(group(name)) ?? 0) + bytes);
  heading('Where (a)\'s main chunk goes (Rollup, by part, approximate)');
  printTable([['part', '≈ gzip -9 B'], ...[...groups].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => [name, int(bytes)])]);
  const main = sum([...parts.values()]);
  const stage2 = groups.get('second stage (capture, sender, pulls, widget loading)') ?? 0;
  const validator = groups.get('full config validator') ?? 0;
  const rest = main - stage2 - validator;
  console.log(
    `Without the second stage's parts the main chunk would be ≈ ${int(main - stage2)} B, and without the full validator too ≈ ${int(rest)} B` +
      ` (goal ${int(CREATE_ONLY_GOAL)} B): what is left at start is the first stage itself (decide, api, profile, core, store),` +
      ' as in the script tag; the second stage and the full validator are dynamic-import chunks.',
  );
  summary.push({ metric: '(a) Rollup main chunk without the second stage', value: `≈ ${int(main - stage2)} B`, note: `without the full validator too ≈ ${int(rest)} B` });
  return summary;
}

// `node bench/app-size.mjs` runs it alone (dist/ must be built).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run();
  heading('Summary');
  printTable([['metric', 'value', 'note'], ...rows.map((r) => [r.metric, r.value, r.note ?? ''])]);
}
