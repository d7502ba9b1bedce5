/**
 * What bench/collector.mjs and bench/report.mjs share: a collector bundle run in a child
 * process (this module is what the child runs, with `--serve`), a collector built from an
 * older git commit for comparison, and small HTTP helpers with kept-alive agents.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';

/** The built collector of this checkout. */
export const COLLECTOR = fileURLToPath(new URL('../dist/collector.mjs', import.meta.url));

// Child mode: run a collector bundle and answer memory questions over IPC, so the figures
// are the server's alone, not the load generator's. Options come as JSON; a `clock`
// number becomes a fixed clock.
if (process.argv[2] === '--serve' && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, db, json] = process.argv.slice(3);
  const { clock, ...options } = JSON.parse(json ?? '{}');
  const { startCollector } = await import(pathToFileURL(file).href);
  const collector = await startCollector({ port: 0, db, ...options, ...(clock ? { clock: () => clock } : {}) });
  process.on('message', async (message) => {
    if (message === 'memory') process.send({ memory: process.memoryUsage(), cpu: process.cpuUsage() });
    if (message === 'close') {
      await collector.close();
      process.exit(0);
    }
  });
  // If the benchmark dies, the IPC channel closes: do not outlive it.
  process.on('disconnect', () => collector.close().then(() => process.exit(0)));
  process.send({ url: collector.url });
}

/**
 * Starts a collector bundle in a child process on `db`; resolves with it and its URL once it
 * listens. `BENCH_CHILD_NODE_ARGS` (space-separated, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`)
 * passes Node flags to the child alone, to profile the server without the load generator.
 */
export async function startChild(file, db, options = {}) {
  const execArgv = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = fork(fileURLToPath(import.meta.url), ['--serve', file, db, JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  try {
    const { url } = await nextMessage(child, 'url');
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('close');
      await exited;
    };
    return { child, url, stop };
  } catch (error) {
    child.kill();
    throw error;
  }
}

/**
 * Builds only the collector of git `ref` (its own rollup config's dist/collector.mjs
 * entry, with rollup's JS API: seconds, not the full build's ~40 s) in a temporary
 * worktree that borrows this checkout's node_modules. `remove()` deletes the worktree;
 * it also runs at exit, should the bench die first.
 */
export async function buildBaseline(ref) {
  const dir = await mkdtemp(join(tmpdir(), 'attune-baseline-'));
  let removed = false;
  const removeSync = () => {
    if (removed) return;
    removed = true;
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT, stdio: 'ignore' });
  };
  // Interrupted (Ctrl-C) or killed, the worktree would stay registered in .git: remove it first.
  const onSignal = (signal) => {
    removeSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', removeSync);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const remove = async () => {
    removeSync();
    process.off('exit', removeSync);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const added = spawnSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: ROOT, encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`git worktree add ${ref} failed: ${added.stderr.trim()}`);
    await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const { rollup } = await import('rollup');
    const cwd = process.cwd();
    // The config's paths (inputs, tsconfig, output) are relative to the working directory.
    process.chdir(dir);
    try {
      const { default: configs } = await import(pathToFileURL(join(dir, 'rollup.config.mjs')).href);
      const config = configs.find((c) => c.output?.file === 'dist/collector.mjs');
      if (!config) throw new Error(`${ref}: rollup.config.mjs has no dist/collector.mjs output`);
      const bundle = await rollup({ ...config, onwarn: () => {} });
      await bundle.write(config.output);
      await bundle.close();
    } finally {
      process.chdir(cwd);
    }
    return { file: join(dir, 'dist', 'collector.mjs'), remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

// Waits for the child's next message carrying `key`, after sending `ask` if given.
export function nextMessage(child, key, ask) {
  return new Promise((resolve, reject) => {
    const onMessage = (message) => {
      if (message && key in message) {
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      }
    };
    const onExit = (code) => reject(new Error(`collector exited with code ${code}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (ask) child.send(ask);
  });
}

export function post(url, agent, body, site = 'bench', headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/batch?site=${encodeURIComponent(site)}`, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function get(url, agent, headers = {}) {
  return new Promise((resolve, reject) => {
    request(url, { agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text }));
    })
      .on('error', reject)
      .end();
  });
}

