// Size of the script-tag bundle and of its lazily loaded add-ons: what every visitor pays, and what
// pages with a quiz, a recommendation row or a catalog pay on top.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { DIST, ROOT, heading, int, printTable } from './lib.mjs';

/**
 * The gzip budget of dist/attune.min.js, what blocks the first paint, in bytes, as issue 15
 * sets it; the tag and its second stage together have STAGE2_TOTAL_BUDGET. test/size.test.ts
 * enforces both (sizes are deterministic); the bench says where the bytes go.
 */
export const GZIP_BUDGET = 12_000;
export const STAGE2_TOTAL_BUDGET = 17_000;

/** The gzip goals of the widget add-ons, each loaded only on the pages that use it. */
export const QUIZ_GZIP_GOAL = 6000; // issue 6: pages with a quiz
export const RECS_GZIP_GOAL = 5000; // issue 7: pages with a recommendation row or a catalog

const measure = (file) => {
  const bytes = readFileSync(file);
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
};

export async function run() {
  heading('Size (dist/, as served)');
  // `budget`: the tag's, every visitor pays it; `goal`: an add-on's own, paid only where it loads.
  // `optional`: reported when the build has it (no row otherwise).
  const files = [
    { name: 'attune.min.js', role: 'script tag, every visitor, before the first paint', budget: GZIP_BUDGET },
    { name: 'attune.stage2.min.js', role: 'second stage, every visitor, after the first paint', shared: true },
    { name: 'attune.debug.min.js', role: 'add-on under data-debug: the full config validator', shared: true, optional: true },
    { name: 'attune.vitals.min.js', role: 'add-on, loaded lazily' },
    { name: 'attune.quiz.min.js', role: 'add-on, pages with a quiz (#6)', goal: QUIZ_GZIP_GOAL, shared: true },
    { name: 'attune.recs.min.js', role: 'add-on, pages with a recommendation row or a catalog (#7)', goal: RECS_GZIP_GOAL, shared: true },
    { name: 'attune.triggers.min.js', role: 'add-on, pages with a catalog', shared: true, optional: true },
    // Not a visitor's cost: the collector's dashboard, loaded by the site's admins only (uPlot is most of it).
    { name: 'dashboard/app.js', role: 'collector dashboard, admins only (uPlot bundled)', optional: true },
  ];
  const table = [['file', 'role', 'minified B', 'gzip -9 B', 'brotli 11 B', 'budget / goal (gzip)']];
  const summary = [];
  for (const { name, role, budget, goal, shared, optional } of files) {
    const file = path.join(DIST, name);
    if (!existsSync(file)) {
      if (optional) continue;
      throw new Error(`${path.relative(process.cwd(), file)} is missing after the build`);
    }
    const { raw, gzip, brotli } = measure(file);
    const verdict = budget
      ? `${gzip <= budget ? 'within budget' : 'OVER budget'} (${int(budget)})`
      : goal
        ? `${gzip <= goal ? 'within goal' : 'OVER goal'} (${int(goal)})`
        : '';
    table.push([name + (shared ? ' *' : ''), role, int(raw), int(gzip), int(brotli), verdict]);
    summary.push({ metric: `${name} minified`, value: `${int(raw)} B` });
    summary.push({
      metric: `${name} gzip -9`,
      value: `${int(gzip)} B`,
      note: (verdict || (shared ? 'add-on, no goal of its own' : 'add-on, not in the budget')) + (shared ? '; without what it takes from the tag' : ''),
    });
  }
  const gz = (name) => gzipSync(readFileSync(path.join(DIST, name)), { level: 9 }).length;
  const total = gz('attune.min.js') + gz('attune.stage2.min.js');
  table.push(['tag + stage 2', 'every visitor', '', int(total), '', `${total <= STAGE2_TOTAL_BUDGET ? 'within budget' : 'OVER budget'} (${int(STAGE2_TOTAL_BUDGET)})`]);
  summary.push({ metric: 'attune.min.js + attune.stage2.min.js gzip -9', value: `${int(total)} B`, note: `budget ${int(STAGE2_TOTAL_BUDGET)}` });
  printTable(table);
  console.log('(the files are already minified by terser: "minified" is their size on disk)');
  console.log(
    '* the files marked take what they use of the tag\'s modules (and the widget add-ons, of the second stage\'s) from\n' +
      "  window.AttuneShared (src/shared.ts) rather than carrying a copy: their size excludes those, which the tag's includes.",
  );
  await breakdown(summary);
  return summary;
}

/**
 * Where the script tag's bytes go, by folder of src/: each module of the bundle is
 * minified on its own, and the tag's gzip size is shared out in proportion. Shares
 * are approximate (gzip works across modules), but they rank the folders honestly.
 */
async function breakdown(summary) {
  const [{ rollup }, { default: typescript }, { default: resolve }, { minify }] = await Promise.all([
    import('rollup'),
    import('@rollup/plugin-typescript'),
    import('@rollup/plugin-node-resolve'),
    import('terser'),
  ]);
  const bundle = await rollup({
    input: path.join(ROOT, 'src/script-tag.ts'),
    plugins: [resolve({ browser: true }), typescript({ tsconfig: path.join(ROOT, 'tsconfig.json'), noEmit: false, outDir: undefined, include: ['src/**/*.ts'] })],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'iife' });
  await bundle.close();
  const byFolder = new Map();
  let total = 0;
  for (const [id, module] of Object.entries(output[0].modules)) {
    if (!module.code) continue;
    const { code } = await minify(module.code, { ecma: 2020, module: true, compress: false, mangle: true });
    const rel = path.relative(ROOT, id);
    const folder = rel.startsWith('node_modules') ? 'dependencies' : rel.split(path.sep).slice(0, 2).join('/').replace(/\.ts$/, '');
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + code.length);
    total += code.length;
  }
  const tagGzip = gzipSync(readFileSync(path.join(DIST, 'attune.min.js')), { level: 9 }).length;
  const rows = [...byFolder].sort((a, b) => b[1] - a[1]);
  heading('Where the script tag\'s bytes go (by folder, approximate)');
  printTable([['folder', 'share', '≈ gzip B'], ...rows.map(([folder, bytes]) => [folder, `${((100 * bytes) / total).toFixed(1)} %`, int((tagGzip * bytes) / total)])]);
  summary.push({ metric: 'attune.min.js largest parts', value: rows.slice(0, 3).map(([f, b]) => `${f} ≈${int((tagGzip * b) / total)} B`).join(', ') });
}
