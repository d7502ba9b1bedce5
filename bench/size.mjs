// Size of the script-tag bundle and of its lazily loaded add-on: what every visitor pays.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { DIST, ROOT, heading, int, printTable } from './lib.mjs';

/**
 * The gzip budget of dist/attune.min.js at this stage, in bytes, as issue 4 sets it
 * (after decisions and multilanding). Issue 3 had 7,000 for the foundation, issue 5
 * 10,000 with sync. The bench says where the bytes go, so the budget can be argued with.
 */
export const GZIP_BUDGET = 9000;

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
  const files = [
    { name: 'attune.min.js', role: 'script tag, every visitor', budget: GZIP_BUDGET },
    { name: 'attune.vitals.min.js', role: 'add-on, loaded lazily' },
  ];
  const table = [['file', 'role', 'minified B', 'gzip -9 B', 'brotli 11 B', 'budget (gzip)']];
  const summary = [];
  for (const { name, role, budget } of files) {
    const file = path.join(DIST, name);
    if (!existsSync(file)) throw new Error(`${path.relative(process.cwd(), file)} is missing after the build`);
    const { raw, gzip, brotli } = measure(file);
    const verdict = budget ? `${gzip <= budget ? 'within budget' : 'OVER budget'} (${int(budget)})` : '';
    table.push([name, role, int(raw), int(gzip), int(brotli), verdict]);
    summary.push({ metric: `${name} minified`, value: `${int(raw)} B` });
    summary.push({ metric: `${name} gzip -9`, value: `${int(gzip)} B`, note: verdict || 'add-on, not in the budget' });
  }
  printTable(table);
  console.log('(the files are already minified by terser: "minified" is their size on disk)');
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
