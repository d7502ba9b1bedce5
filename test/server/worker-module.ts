/**
 * The worker threads' module for collectors started from the TypeScript source.
 * A worker thread runs plain JavaScript, and vitest transforms only the test's own
 * module graph, so the workers' entry (server/workers.ts: the rebuild and the writer,
 * and the code they import) is bundled by rollup, as dist/collector.mjs is. The bundle is
 * named by a hash of its sources and reused by every test file until they change.
 * It lives under node_modules/.cache so that its `import 'better-sqlite3'` resolves.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['server', 'src'];

function sourceHash(): string {
  // This file too: it says what the bundle is built from.
  const hash = createHash('sha1').update(readFileSync(fileURLToPath(import.meta.url)));
  for (const dir of SOURCES) {
    for (const name of readdirSync(join(ROOT, dir), { recursive: true }).map(String).sort()) {
      if (name.endsWith('.ts')) hash.update(name).update(readFileSync(join(ROOT, dir, name)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function build(): Promise<URL> {
  const dir = join(ROOT, 'node_modules/.cache/attune');
  const file = join(dir, `workers-${sourceHash()}.mjs`);
  if (!existsSync(file)) {
    await mkdir(dir, { recursive: true });
    // Imported only when building: loading the TypeScript compiler costs each test file a second.
    const [{ rollup }, { default: typescript }] = await Promise.all([import('rollup'), import('@rollup/plugin-typescript')]);
    const bundle = await rollup({
      input: join(ROOT, 'server/workers.ts'),
      external: (id) => id === 'better-sqlite3' || id.startsWith('node:'),
      plugins: [typescript({ tsconfig: join(ROOT, 'server/tsconfig.json'), noEmit: false, outDir: undefined, noEmitOnError: false })],
      onwarn: () => undefined,
    });
    // Written aside and renamed: test files building at once never see half a file.
    const partial = `${file}.${process.pid}.tmp`;
    await bundle.write({ file: partial, format: 'es' });
    await bundle.close();
    await rename(partial, file);
    // Bundles of earlier sources are of no further use.
    for (const old of await readdir(dir)) if ((old.startsWith('workers-') || old.startsWith('rebuild-worker-')) && old.endsWith('.mjs') && join(dir, old) !== file) await rm(join(dir, old), { force: true });
  }
  return pathToFileURL(file);
}

let built: Promise<URL> | undefined;

/** The URL of the built workers' module, building it on first use. */
export const workerModule = (): Promise<URL> => (built ??= build());
