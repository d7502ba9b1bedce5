// A throwaway PostgreSQL cluster for tests and benches: Debian's `postgresql` package's
// binaries, a data folder in a fresh temporary directory, a free port on 127.0.0.1, the
// socket and the log inside that directory, and `stop()` that shuts it down and removes it.
// Plain JavaScript (with cluster.d.mts beside it) so bench/ scripts use it as the tests do.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Debian's `postgresql` package put initdb, pg_ctl and postgres: the newest major
 * version under /usr/lib/postgresql (15 on Debian 12), unless ATTUNE_PG_BIN names a folder.
 */
export const PG_BIN = process.env.ATTUNE_PG_BIN ?? newestDebianBin('/usr/lib/postgresql') ?? '/usr/lib/postgresql/15/bin';

function newestDebianBin(root) {
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? null : join(root, newest, 'bin');
}

/** The superuser the cluster is created with (trust authentication, so no password). */
export const PG_USER = 'postgres';

/** Why PostgreSQL cannot run here, or null when it can. */
export function missingPostgres() {
  for (const tool of ['initdb', 'pg_ctl']) {
    if (!existsSync(join(PG_BIN, tool))) return `PostgreSQL not found (no ${join(PG_BIN, tool)}; apt-get install postgresql)`;
  }
  if (isRoot() && spawnSync('id', ['-u', PG_USER]).status !== 0) return `no "${PG_USER}" user to run PostgreSQL as (it refuses to run as root)`;
  return null;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

// PostgreSQL refuses to run as root: as root, every tool runs as the package's `postgres` user.
const run = (tool, args, options = {}) => {
  const [command, argv] = isRoot() ? ['runuser', ['-u', PG_USER, '--', join(PG_BIN, tool), ...args]] : [join(PG_BIN, tool), args];
  return execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
};

/** A free TCP port on 127.0.0.1 (free when asked; the server binds it a moment later). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates and starts a cluster. `durable: false` (the default, for tests) turns fsync and
 * synchronous commit off: tests check behaviour, and a power cut loses nothing they need.
 * A bench passes `durable: true` to measure what a deployment would see.
 * Throws with the server's log when it does not start.
 */
export async function startCluster({ durable = false } = {}) {
  const missing = missingPostgres();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'attune-pg-'));
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  try {
    run('initdb', ['-D', data, '-A', 'trust', '-U', PG_USER, '-E', 'UTF8', '--locale=C', '--no-sync']);
    const settings = durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'];
    // A port taken between freePort() and the server's bind is retried with another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = [`-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', ...settings].join(' ');
      try {
        run('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', options]);
      } catch (error) {
        if (attempt < 3) continue;
        throw error;
      }
      const stop = () => stopCluster(data, dir);
      // A test run that dies without its teardown still leaves no server behind.
      process.once('exit', stop);
      return {
        dir,
        host: '127.0.0.1',
        port,
        user: PG_USER,
        url: (database = 'postgres') => `postgres://${PG_USER}@127.0.0.1:${port}/${database}`,
        stop() {
          process.removeListener('exit', stop);
          stop();
        },
      };
    }
  } catch (error) {
    const text = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : String(error.stderr ?? '');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start in ${dir}: ${error.message}\n${text}`, { cause: error });
  }
}

// Synchronous, so it also works from an 'exit' handler.
function stopCluster(data, dir) {
  if (existsSync(join(data, 'postmaster.pid'))) {
    try {
      run('pg_ctl', ['stop', '-w', '-m', 'fast', '-D', data]);
    } catch {
      // Already stopped, or it will not stop: either way the folder goes.
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
