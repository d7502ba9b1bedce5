// `npm run demo`: installs and builds when needed, then serves the demo shop
// (examples/) and the built SDK (dist/) on http://127.0.0.1:5173 (PORT overrides),
// and the collector on http://127.0.0.1:8787, storing into .demo/attune.sqlite.
// The demo pages send to that address, so the collector's port is fixed. The collector
// is seeded with a synthetic shopping history (scripts/seed-demo.mjs), so recommendations
// have data to show, and with a simulation of visitors through the demo's real placements,
// holdout, quiz and rows (scripts/simulate-visitors.mjs), so the dashboard has a winner and
// an uplift to show; both are stored once however often they are sent. The dashboard
// (/dashboard?site=demo) needs the admin token, made once per .demo/ folder and printed.
// The collector serves the sites of .demo/sites.json (scripts/demo-sites.mjs): site "demo",
// whose public write key the example pages carry as data-write-key.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEMO_WRITE_KEY, demoSites } from './demo-sites.mjs';
import { describeSeeding, seedDemo } from './seed-demo.mjs';
import { describeSimulation, importBuiltSdk, loadDemoSetup, seedSimulation } from './simulate-visitors.mjs';
import { startStaticServer } from './serve.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = (...parts) => join(root, ...parts);
const BUILD_OUTPUTS = ['dist/attune.min.js', 'dist/attune.vitals.min.js', 'dist/index.mjs', 'dist/quiz.mjs', 'dist/recommend.mjs', 'dist/collector.mjs'];
const BUILD_INPUTS = ['src', 'server', 'package.json', 'package-lock.json', 'rollup.config.mjs', 'tsconfig.json'];
const COLLECTOR_PORT = 8787;

/**
 * The demo's admin token: ATTUNE_ADMIN_TOKEN if set, else the one kept in
 * .demo/admin-token (owner-only), made on the first run, so a restart keeps the
 * dashboard's sign-in working.
 */
function adminToken() {
  if (process.env.ATTUNE_ADMIN_TOKEN) return { token: process.env.ATTUNE_ADMIN_TOKEN, source: 'ATTUNE_ADMIN_TOKEN' };
  const file = at('.demo/admin-token');
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (kept.length >= 16) return { token: kept, source: '.demo/admin-token' };
  const token = randomBytes(18).toString('base64url');
  writeFileSync(file, token + '\n', { mode: 0o600 });
  return { token, source: '.demo/admin-token, made now' };
}

/** Runs an npm command in the repository, stopping the demo if it fails. */
function npm(...args) {
  console.log(`> npm ${args.join(' ')}`);
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`npm ${args.join(' ')} failed${result.error ? `: ${result.error.message}` : ''}`);
    process.exit(result.status || 1);
  }
}

/** The newest modification time of a file, or of any file in a folder. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), info.mtimeMs);
}

function needsBuild() {
  const outputs = BUILD_OUTPUTS.map((file) => at(file));
  if (!outputs.every((file) => existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return BUILD_INPUTS.some((input) => newest(at(input)) > built);
}

if (!existsSync(at('node_modules'))) npm('ci');
if (needsBuild()) npm('run', 'build');
else console.log('dist/ is up to date with src/');

const port = process.env.PORT ? Number(process.env.PORT) : 5173;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

// Every service the demo runs; each has a name, a url and close(). Another one
// (the collector, say) is started by adding it here.
const services = [];
let admin;
try {
  const shop = await startStaticServer({ roots: [at('examples'), at('dist')], port });
  services.push({ name: 'demo shop', ...shop });
  const { startCollector } = await import(at('dist/collector.mjs'));
  mkdirSync(at('.demo'), { recursive: true, mode: 0o700 });
  admin = adminToken();
  // The sites file is written on every start, so it always allows this run's shop origin (PORT may change it).
  writeFileSync(at('.demo/sites.json'), JSON.stringify(demoSites(shop.url), null, 2) + '\n');
  // The home page's inline config, also given to the collector: the report then knows each
  // placement's default, weights, holdout share and rule-targeted variants (SRM, the pool).
  writeFileSync(at('.demo/site-config.json'), JSON.stringify(loadDemoSetup(at('examples')).config));
  const collector = await startCollector({
    port: COLLECTOR_PORT,
    db: at('.demo/attune.sqlite'),
    sites: at('.demo/sites.json'),
    configFile: at('.demo/site-config.json'),
    adminToken: admin.token,
  });
  services.push({ name: 'collector', ...collector });
} catch (error) {
  if (error.code !== 'EADDRINUSE') throw error;
  console.error(`Port ${error.port} is in use: stop what uses it, or try PORT=5174 npm run demo for the shop`);
  await Promise.all(services.map((service) => service.close()));
  process.exit(1);
}

// Seeded on every start: the history's messageIds are deterministic, so the collector
// keeps what it already has and stores only what is missing (all of it on a first run,
// or after a run whose seeding failed), next to whatever was browsed since.
const collector = services.find((service) => service.name === 'collector');
try {
  const seeded = await seedDemo(collector.url, { site: 'demo', visitors: 300, writeKey: DEMO_WRITE_KEY });
  console.log(seeded.stored ? describeSeeding(seeded) : `the demo collector already holds its seeded history (${seeded.events.toLocaleString('en-US')} events)`);
} catch (error) {
  console.error(`The demo collector was not seeded (${error.message}); recommendations start empty.`);
}
// The same visitors and messageIds every run: on a later day nothing new is stored and the
// simulated weeks keep their first dates (delete .demo/ for a history ending yesterday).
try {
  const sdk = await importBuiltSdk(root);
  console.log(describeSimulation(await seedSimulation(collector.url, { sdk, site: 'demo', writeKey: DEMO_WRITE_KEY })));
} catch (error) {
  console.error(`The demo's visitors were not simulated (${error.message}); the dashboard starts empty.`);
}

for (const service of services) console.log(`${service.name}: ${service.url}/`);
// The token on a line of its own, never in the URL, where history and referrers would keep it.
console.log(`dashboard, for the shop owner: ${collector.url}/dashboard?site=demo`);
console.log(`  admin token, asked for once when signing in (${admin.source}): ${admin.token}`);
console.log('Press Ctrl-C to stop.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all(services.map((service) => service.close()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
