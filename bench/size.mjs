// Size of the script-tag bundle and of its lazily loaded add-on: what every visitor pays.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { DIST, heading, int, printTable } from './lib.mjs';

/**
 * The gzip budget of dist/attune.min.js at this stage, in bytes: the whole script
 * tag after the sync client and collector (issue 5). The foundation alone (issue 3)
 * had 7,000; decisions (issue 4) will share what is left.
 */
export const GZIP_BUDGET = 10000;

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
  return summary;
}
