// Shared helpers for the benches that run src/ modules in Node and in Chromium: bundling a
// virtual entry with rollup in memory, importing an ES bundle in Node, serving a page with
// bundles and dist/ cross-origin isolated, and running a headless Chromium on it.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ROOT, us } from './lib.mjs';

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

/** Quiet, deterministic headless Chromium. */
const CHROMIUM_ARGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const isFile = (file) => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/**
 * Rollup plugin: resolves extensionless relative imports to .ts files and strips their types file
 * by file with typescript.transpileModule (ES2020, as tsconfig.json), with no type checking
 * (`npm run typecheck` does that), so a bundle takes a second or two, where @rollup/plugin-typescript,
 * which builds the whole program, takes several. The code it emits is the same.
 */
export async function transpileTypeScript() {
  const { default: ts } = await import('typescript');
  return {
    name: 'bench-transpile-typescript',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.')) return null;
      const base = path.resolve(path.dirname(importer), source);
      return [base, `${base}.ts`, path.join(base, 'index.ts')].find(isFile) ?? null;
    },
    transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const { outputText } = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, isolatedModules: true, sourceMap: false },
      });
      return { code: outputText, map: null };
    },
  };
}

/**
 * Bundles `source` (an ES module that re-exports from absolute paths under src/ or bench/) with
 * rollup and node-resolve for the browser. `formats`: 'es' (to import in Node) and/or 'iife' (for
 * a page: a classic script defining the global `name`). `plugins` run before resolving and
 * TypeScript. `typescript`: 'transpile' (default, see transpileTypeScript) or 'project'
 * (@rollup/plugin-typescript with ./tsconfig.json, as rollup.config.mjs builds dist/).
 * Resolves with `{ es, iife, warnings }`.
 */
export async function bundleEntry(source, { name = '__bench', formats = ['es', 'iife'], plugins = [], typescript = 'transpile' } = {}) {
  const [{ rollup }, { nodeResolve }] = await Promise.all([import('rollup'), import('@rollup/plugin-node-resolve')]);
  const ts =
    typescript === 'project'
      ? (await import('@rollup/plugin-typescript')).default({ tsconfig: path.join(ROOT, 'tsconfig.json'), noEmit: false, outDir: undefined })
      : await transpileTypeScript();
  const ENTRY = '\0bench-entry';
  const warnings = [];
  const bundle = await rollup({
    input: ENTRY,
    plugins: [
      { name: 'bench-entry', resolveId: (id) => (id === ENTRY ? ENTRY : null), load: (id) => (id === ENTRY ? source : null) },
      ...plugins,
      // As rollup.config.mjs orders them for 'project'; the transpiler resolves .ts files first.
      ...(typescript === 'project' ? [nodeResolve({ browser: true }), ts] : [ts, nodeResolve({ browser: true })]),
    ],
    onwarn: (warning) => warning.code !== 'CIRCULAR_DEPENDENCY' && warnings.push(warning.message),
  });
  try {
    const out = { warnings };
    if (formats.includes('es')) out.es = (await bundle.generate({ format: 'es' })).output[0].code;
    if (formats.includes('iife')) out.iife = (await bundle.generate({ format: 'iife', name })).output[0].code;
    return out;
  } finally {
    await bundle.close();
  }
}

/** `export { a, b } from '/abs/path'` lines, for a bundle entry. */
export const reexport = (names, file) => `export { ${names.join(', ')} } from ${JSON.stringify(file)};`;

/** Imports an ES module given as text, from a temporary file under .tmp/ removed right after. */
export async function importText(code, prefix = 'bench-') {
  mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.tmp', prefix));
  try {
    const file = path.join(dir, 'bundle.mjs');
    writeFileSync(file, code);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Serves on 127.0.0.1: `scripts` (pathname to code), dist/attune*.min.js when `dist` is set, and
 * `page` (HTML, or a function of the URL giving it) at every other path not ending in .js. The page
 * is cross-origin isolated (COOP + COEP), which lets Chromium give performance.now() a finer
 * resolution (about 5 µs instead of 100 µs).
 */
export function serve({ page, scripts = {}, dist = false }) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    const js = { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' };
    const file = path.join(DIST, url.pathname.slice(1));
    if (Object.hasOwn(scripts, url.pathname)) res.writeHead(200, js).end(scripts[url.pathname]);
    else if (dist && /^\/attune(\.[a-z0-9]+)?\.min\.js$/.test(url.pathname) && existsSync(file)) res.writeHead(200, js).end(readFileSync(file));
    else if (url.pathname === '/favicon.ico') res.writeHead(204, headers).end();
    else if (url.pathname.endsWith('.js')) res.writeHead(404, headers).end();
    else res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(typeof page === 'function' ? page(url) : page);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Runs in the page: the smallest step performance.now() takes, and whether the page is isolated. */
export function timerInPage() {
  let step = Infinity;
  for (let i = 0, last = performance.now(); i < 200_000 && step > 0.0005; i++) {
    const now = performance.now();
    if (now > last) step = Math.min(step, now - last);
    last = now;
  }
  return { step, isolated: globalThis.crossOriginIsolated === true, userAgent: navigator.userAgent };
}

const cdpSessions = new WeakMap();
/**
 * A full garbage collection in the page's renderer (V8 and the DOM's heap), through the DevTools
 * protocol. Benches call it between timed batches, outside the timing: a tight loop of renders
 * piles up garbage no idle time clears, and the later calls of a batch then slow down several-fold
 * (the quiz's first step: from ~0.3 to ~1.3 ms over 1,000 renders, back after a collection; no
 * node or listener is retained), which no real page that renders a widget once ever sees.
 */
export async function collectGarbage(tab) {
  let session = cdpSessions.get(tab);
  if (!session) cdpSessions.set(tab, (session = await tab.context().newCDPSession(tab)));
  await session.send('HeapProfiler.collectGarbage');
}

/** "HeadlessChrome/140.0…; crossOriginIsolated=true; performance.now() step ≈ 5.00 µs" */
export const describeTimer = (timer) =>
  `${timer.userAgent.match(/(Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium'}; crossOriginIsolated=${timer.isolated}; performance.now() step ≈ ${us(timer.step * 1000)}`;

/**
 * Serves a page (see `serve`), opens it in a headless Chromium with a fresh profile, and calls
 * `use({ tab, origin, pageErrors, timer })`; whatever happens, closes the browser and the server
 * and removes the profile. `path` is where the tab goes first; `launch` adds to Playwright's
 * launch options (locale, timezoneId, …). Page errors and console errors are collected in
 * `pageErrors`. The caller checks `hasChromium()` first.
 */
export async function withChromium({ page, scripts, dist, path: first = '/', launch = {} }, use) {
  const { chromium } = await import('playwright-core');
  const profileDir = mkdtempSync(path.join(tmpdir(), 'attune-bench-chromium-'));
  const server = await serve({ page, scripts, dist });
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, ...launch, args: CHROMIUM_ARGS });
    const tab = context.pages()[0] ?? (await context.newPage());
    const pageErrors = [];
    tab.on('pageerror', (error) => pageErrors.push(String(error)));
    tab.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
    const origin = `http://127.0.0.1:${server.address().port}`;
    await tab.goto(origin + first, { waitUntil: 'load' });
    const timer = await tab.evaluate(timerInPage);
    return await use({ tab, origin, pageErrors, timer });
  } finally {
    await context?.close().catch(() => {});
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(profileDir, { recursive: true, force: true });
  }
}
