import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import pkg from './package.json' with { type: 'json' };

const external = Object.keys(pkg.dependencies);
const isDependency = (id) => external.some((dep) => id === dep || id.startsWith(`${dep}/`));
const ts = () => typescript({ tsconfig: './tsconfig.json', noEmit: false, outDir: undefined });
const minify = () =>
  terser({ ecma: 2020, module: false, compress: { passes: 3 }, toplevel: true, format: { comments: false } });

/** The npm module's entries, by the name of their file in dist/ (package.json's `exports` maps them). */
const NPM_ENTRIES = { index: 'src/index.ts', quiz: 'src/entries/quiz.ts', recommend: 'src/entries/recommend.ts' };

// The modules whose code the tag (first group) and its second stage (second group) share
// through `window.AttuneShared`, as src/shared.ts imports them: that module is the contract.
const sharedGroups = readFileSync('src/shared.ts', 'utf8')
  .split('// The second stage\'s modules:')
  .map((part) => [...part.matchAll(/^import \{[^}]*\} from '\.\/([^']+)';$/gm)].map((m) => m[1]));
const pattern = (modules) => new RegExp(`(^|[\\\\/])src[\\\\/](${modules.join('|')})(\\.ts)?$`);
/** Modules of the tag: its second stage and every add-on take them from `window.AttuneShared`. */
const TAG_MODULES = pattern(sharedGroups[0]);
/** Modules of the tag and of its second stage: the widget add-ons, loaded by the second stage, take both. */
const SHARED = pattern(sharedGroups.flat());

/**
 * Writes `<file>.shared.json` beside a bundle: the names it reads from each shared module,
 * so test/shared.test.ts can check them against src/shared.ts without building.
 */
const sharedManifest = () => ({
  name: 'shared-manifest',
  writeBundle(options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type != 'chunk') continue;
      const names = Object.fromEntries(Object.entries(chunk.importedBindings).map(([id, list]) => [id.replace(/^.*[\\/]src[\\/]/, 'src/'), list]));
      mkdirSync('dist', { recursive: true });
      writeFileSync(`${options.file}.shared.json`, JSON.stringify(names, null, 1) + '\n');
    }
  },
});

// A page may replace window.Promise (old polyfills, hostile scripts); inside the tag and
// its add-ons, \`Promise\` is the engine's own, which every async function returns anyway.
// Added only to bundles whose code names Promise, so an add-on that never does pays nothing.
const intro = (chunk) =>
  Object.values(chunk.modules).some((m) => /\bPromise\b/.test(m.code ?? '')) ? 'var Promise=(async()=>{})().constructor;' : '';

/** A minified IIFE for the script tag: everything bundled, no exports. */
const scriptTag = (input, file) => ({
  input,
  plugins: [resolve({ browser: true }), ts(), minify()],
  output: { file, format: 'iife', intro, sourcemap: false },
});

/**
 * A minified IIFE loaded by the tag on demand, taking the modules `shared` matches from
 * the tag (window.AttuneShared) rather than carrying a copy.
 */
const addon = (input, file, shared = SHARED) => ({
  input,
  external: (id) => shared.test(id),
  plugins: [resolve({ browser: true }), ts(), minify(), sharedManifest()],
  output: { file, format: 'iife', intro, globals: () => 'AttuneShared', sourcemap: false },
});

/** Emits the dashboard's style sheets beside its script: its own, and uPlot's. */
const dashboardStyles = () => {
  const files = { 'app.css': 'server/dashboard/client/app.css', 'uplot.css': 'node_modules/uplot/dist/uPlot.min.css' };
  return {
    name: 'dashboard-styles',
    buildStart() {
      for (const file of Object.values(files)) this.addWatchFile(file);
    },
    generateBundle() {
      for (const [fileName, file] of Object.entries(files)) this.emitFile({ type: 'asset', fileName, source: readFileSync(file, 'utf8') });
    },
  };
};

export default [
  // ESM for bundlers: dependencies stay imports, so the app's bundler shares them.
  // One file per source module (dist/index.mjs and dist/esm/…), not chunks: a chunk that merges
  // modules is one module to the app's bundler, which then puts all of it where any part is used.
  // Merged, the widgets' code that index.ts also exports statically (renderQuiz, the models, …)
  // sat in the chunk createAttune came from, and an app that mounted no widget shipped all of it in
  // its main chunk (~29 KB gzip). Kept apart, each module goes where it is used: the quiz,
  // recommendations and triggers only into the chunks of createAttune's dynamic imports, and
  // redos-detector (not free of side effects) only into apps that use the validators.
  // The entries: `attune` (dist/index.mjs), `attune/quiz` and `attune/recommend` (see src/entries/).
  {
    input: NPM_ENTRIES,
    external: (id) => external.some((dep) => id === dep || id.startsWith(`${dep}/`)),
    plugins: [ts()],
    output: {
      dir: 'dist', format: 'es', sourcemap: true, preserveModules: true, preserveModulesRoot: 'src',
      entryFileNames: (chunk) => (chunk.isEntry ? '[name].mjs' : 'esm/[name].mjs'),
    },
  },
  // Each entry's types in one file beside it.
  ...Object.entries(NPM_ENTRIES).map(([name, input]) => ({ input, plugins: [dts()], output: { file: `dist/${name}.d.ts`, format: 'es' } })),
  scriptTag('src/script-tag.ts', 'dist/attune.min.js'),
  // The tag's second stage, loaded after the first paint: it takes the tag's modules and
  // adds its own shared ones for the widget add-ons it loads.
  addon('src/addons/stage2.ts', 'dist/attune.stage2.min.js', TAG_MODULES),
  // The full validator under data-debug, which may load before the second stage: it takes the tag's modules only.
  addon('src/addons/debug.ts', 'dist/attune.debug.min.js', TAG_MODULES),
  scriptTag('src/addons/vitals.ts', 'dist/attune.vitals.min.js'),
  // The add-ons take the condition language, the URL check and the profile view from the tag
  // (window.AttuneShared) rather than carrying a second copy.
  addon('src/addons/quiz.ts', 'dist/attune.quiz.min.js'),
  addon('src/addons/recommend.ts', 'dist/attune.recs.min.js'),
  addon('src/addons/triggers.ts', 'dist/attune.triggers.min.js'),
  // The collector's dashboard (server/dashboard/client/): one ES module with uPlot bundled in,
  // and its style sheets as files beside it, since the page's CSP allows no inline style.
  {
    input: 'server/dashboard/client/main.ts',
    plugins: [resolve({ browser: true }), typescript({ tsconfig: './server/dashboard/client/tsconfig.json', noEmit: false, outDir: undefined }), minify(), dashboardStyles()],
    output: { dir: 'dist/dashboard', entryFileNames: 'app.js', format: 'es', sourcemap: false },
  },
  // The bundled collector (server/) for Node: better-sqlite3, the package's dependencies
  // (redos-detector, for checking its --config) and node: builtins stay imports.
  {
    input: 'server/index.ts',
    external: (id) => id === 'better-sqlite3' || id.startsWith('node:') || isDependency(id),
    plugins: [typescript({ tsconfig: './server/tsconfig.json', noEmit: false, outDir: undefined })],
    output: { file: 'dist/collector.mjs', format: 'es', sourcemap: true },
  },
  // `attune check` (bin/attune.mjs): the validators at the door, without the collector.
  {
    input: 'server/check/index.ts',
    external: (id) => id.startsWith('node:') || isDependency(id),
    plugins: [typescript({ tsconfig: './server/tsconfig.json', noEmit: false, outDir: undefined })],
    output: { file: 'dist/check.mjs', format: 'es', sourcemap: true },
  },
];
