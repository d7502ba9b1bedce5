// Builds a tiny app (apps/*.js) against the built package, the way an app's own bundler would:
// `import … from 'attune'` resolves through a node_modules/attune link to this checkout, so
// package.json's `exports` and `sideEffects` apply, and dist/ must have been built. Each build
// returns its chunks, with the modules each holds, in one shape for Vite, Rollup and esbuild.
// Used by bench/app-size.mjs (sizes) and test/package/app-chunks.test.ts (no widget code in the entry).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, copyFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The package's root: the folder whose package.json is `attune`'s. */
export const PACKAGE_ROOT = path.resolve(HERE, '..', '..');

/** The fixture apps, by name: each a single module importing from 'attune'. */
export const APPS = {
  'create-only': path.join(HERE, 'apps', 'create-only.js'),
  'condition-only': path.join(HERE, 'apps', 'condition-only.js'),
};

/**
 * The add-ons' code, recognised two ways: by module id (the package's modules, which a build of
 * the package's separate files names), and by a string only that code holds, which survives
 * minification and a package build that merges modules into one file.
 */
export const ADDONS = [
  { name: 'quiz', module: /[\\/]widgets[\\/]quiz[\\/]/, marker: 'Quiz Started' },
  {
    name: 'recs',
    module: /[\\/](widgets[\\/]recommend[\\/](index|mount|render)|recommend[\\/](?!triggers)[\w-]+)\.m?[jt]s$/,
    marker: 'Product List Viewed',
  },
  { name: 'triggers', module: /[\\/](widgets[\\/])?recommend[\\/]triggers\.m?[jt]s$/, marker: 'Back In Stock' },
];

/** The add-ons whose code a chunk holds, by module id or marker string. */
export const addonsIn = (chunk) =>
  ADDONS.filter(({ module, marker }) => chunk.modules.some((id) => module.test(id)) || chunk.code.includes(marker)).map((a) => a.name);

/**
 * A temporary app folder: the fixture as src/main.js and node_modules/attune linked to the
 * package. `dispose()` removes it.
 */
export function appFolder(app) {
  const source = APPS[app];
  if (!source) throw new Error(`no fixture app "${app}" (known: ${Object.keys(APPS).join(', ')})`);
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), `attune-app-${app}-`)));
  mkdirSync(path.join(dir, 'src'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(PACKAGE_ROOT, path.join(dir, 'node_modules', 'attune'), 'dir');
  copyFileSync(source, path.join(dir, 'src', 'main.js'));
  return { dir, entry: path.join(dir, 'src', 'main.js'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

// Rollup's and Vite's output: chunk → { fileName, isEntry, code, imports, dynamicImports, modules }.
const fromRollupOutput = (output) =>
  output
    .filter((file) => file.type === 'chunk')
    .map((c) => ({
      fileName: c.fileName,
      isEntry: c.isEntry,
      code: c.code,
      imports: c.imports,
      dynamicImports: c.dynamicImports,
      modules: c.moduleIds ?? Object.keys(c.modules),
      // Each module's code as rendered into the chunk, before minification (Rollup's and Vite's own field).
      moduleCode: Object.fromEntries(Object.entries(c.modules ?? {}).map(([id, m]) => [id, m.code ?? ''])),
    }));

/** Rollup with node-resolve (browser), and terser when `minify`: how a Rollup app bundles the package. */
export async function buildRollup(entry, { minify = true } = {}) {
  const { rollup } = await import('rollup');
  const { default: resolve } = await import('@rollup/plugin-node-resolve');
  const plugins = [resolve({ browser: true })];
  if (minify) plugins.push((await import('@rollup/plugin-terser')).default({ module: true }));
  const bundle = await rollup({ input: entry, plugins, onwarn: () => {} });
  try {
    const { output } = await bundle.generate({ format: 'es', dir: 'out', chunkFileNames: '[name]-[hash].js' });
    return fromRollupOutput(output);
  } finally {
    await bundle.close();
  }
}

/** A production Vite build with its defaults (minified, browser targets), in memory. */
export async function buildVite(entry, root) {
  const { build } = await import('vite');
  const result = await build({
    root,
    configFile: false,
    logLevel: 'silent',
    build: { write: false, emptyOutDir: false, rolldownOptions: { input: entry } },
  });
  return fromRollupOutput((Array.isArray(result) ? result[0] : result).output);
}

/** esbuild with `--bundle --splitting --format=esm --minify`, in memory, its metafile naming each output's inputs. */
export async function buildEsbuild(entry, root) {
  const esbuild = await import('esbuild');
  const outdir = path.join(root, 'out');
  const result = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    platform: 'browser',
    outdir,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const entryOut = Object.keys(result.metafile.outputs).find((file) => result.metafile.outputs[file].entryPoint);
  return result.outputFiles
    .filter((file) => file.path.endsWith('.js'))
    .map((file) => {
      const key = path.relative(root, file.path).split(path.sep).join('/');
      const meta = result.metafile.outputs[key];
      const named = (kind) => meta.imports.filter((i) => i.kind === kind).map((i) => path.relative('out', i.path).split(path.sep).join('/'));
      return {
        fileName: path.relative(outdir, file.path).split(path.sep).join('/'),
        isEntry: key === entryOut,
        code: file.text,
        imports: named('import-statement'),
        dynamicImports: named('dynamic-import'),
        modules: Object.keys(meta.inputs).map((id) => path.resolve(root, id)),
        moduleCode: {},
      };
    });
}

/** The bundlers, by name, each `(entry, root) => chunks`. */
export const BUNDLERS = {
  Vite: (entry, root) => buildVite(entry, root),
  Rollup: (entry) => buildRollup(entry),
  'esbuild --splitting': (entry, root) => buildEsbuild(entry, root),
};

/** The entry chunk, and the chunks it imports statically (all loaded at start), of a build. */
export function initialChunks(chunks) {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const entry = chunks.find((c) => c.isEntry);
  if (!entry) throw new Error('the build has no entry chunk');
  const seen = new Set([entry]);
  for (const chunk of seen) for (const name of chunk.imports) if (byName.has(name)) seen.add(byName.get(name));
  return { entry, initial: [...seen] };
}
