// The npm entry's validators bring redos-detector with them, and only them: an app that
// never imports validateConfig or validateQuiz must not bundle the checker. Builds the
// npm entry as rollup.config.mjs does, in memory, then bundles two apps against it the
// way an app's bundler would (Attune is "sideEffects": false), and looks at what they import.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rollup, type OutputChunk, type Plugin, type RollupOptions } from 'rollup';
import { beforeAll, describe, expect, it } from 'vitest';

// rollup.config.mjs has no types: it is loaded as the build loads it, by URL. Its paths are
// relative to the project's root, where vitest runs.
const CONFIG = pathToFileURL(resolve('rollup.config.mjs')).href;
let npm: RollupOptions;
const PREFIX = '\0attune/';
let files: Map<string, string>;

// Resolves `attune` and its chunks to the built files; every other package stays an
// import, so the app's own imports show what it would bundle.
const attune = (): Plugin => ({
  name: 'attune-from-memory',
  resolveId(id, importer) {
    if (id == 'attune') return PREFIX + 'index.mjs';
    if (importer?.startsWith(PREFIX) && id.startsWith('.')) return PREFIX + new URL(id, 'file:///' + importer.slice(PREFIX.length)).pathname.slice(1);
    return { id, external: true };
  },
  load(id) {
    return id.startsWith(PREFIX) ? { code: files.get(id.slice(PREFIX.length))!, moduleSideEffects: false } : null;
  },
});

/** The packages an app with `source` as its entry imports, once bundled. */
async function importsOf(source: string): Promise<string[]> {
  const entry: Plugin = { name: 'app', resolveId: (id) => (id == 'app' ? id : null), load: (id) => (id == 'app' ? source : null) };
  const bundle = await rollup({ input: 'app', plugins: [entry, attune()], onwarn() {} });
  const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
  return [...new Set((output[0] as OutputChunk).imports)].sort();
}

describe('the npm entry', () => {
  beforeAll(async () => {
    npm = ((await import(/* @vite-ignore */ CONFIG)) as { default: RollupOptions[] }).default[0];
    const bundle = await rollup({ ...npm, onwarn() {} });
    const { output } = await bundle.generate(npm.output as never);
    files = new Map(output.flatMap((o) => (o.type == 'chunk' ? [[o.fileName, o.code] as [string, string]] : [])));
  }, 120_000);

  it('leaves redos-detector out of an app that uses createAttune only', async () => {
    const imports = await importsOf("import { createAttune } from 'attune'; createAttune({ site: 's' });");
    expect(imports).toContain('idb-keyval');
    expect(imports).not.toContain('redos-detector');
  });

  it('brings it into an app that uses validateConfig', async () => {
    expect(await importsOf("import { validateConfig } from 'attune'; console.log(validateConfig({}));")).toContain('redos-detector');
  });
});
