/**
 * The `attune-collector` command line.
 */
import { parseArgs } from 'node:util';
import { startCollector } from './collector';
import { DEFAULT_CONNECTION_LIMITS } from './connections';
import { DEMO_ORIGIN } from './cors';
import { MIN_WRITE_KEY_LENGTH, newWriteKey } from './sites';

const USAGE = `Usage: attune-collector --sites <file> [options]
       attune-collector --site <id> --origin <url> [--origin <url>…] [options]

  --sites <file>    the sites served, with their write keys and settings
                    (schema/sites.schema.json); a site not in it does not exist
  --site <id>       the quick form: serve one site, with a write key made now
                    (printed, with the script tag to paste) unless --write-key gives one
  --write-key <k>   with --site: the site's write key (at least ${MIN_WRITE_KEY_LENGTH} characters)
  --origin <url>    with --site: web origin allowed to call from a browser; repeat for
                    several, * for any (default ${DEMO_ORIGIN}). With --sites, origins are per site
  --port <n>        TCP port (default 8787; 0 picks a free one)
  --host <addr>     interface to listen on (default 127.0.0.1)
  --db <file>       SQLite database file (default ./attune.sqlite; :memory: for a throwaway one)
  --config <file>   JSON file served by GET /v1/config
  --max-connections <n>  open connections at most (default ${DEFAULT_CONNECTION_LIMITS.maxConnections}); keep it under
                    the file descriptor limit (ulimit -n)
  --admin-token <t> token that guards GET /v1/report and /dashboard (at least 16 characters;
                    other users can read arguments in ps, so prefer the variable;
                    default: the ATTUNE_ADMIN_TOKEN environment variable; without one both are off)
  --help            show this help
`;

/**
 * Runs the collector from command-line arguments (without `node` and the script)
 * until SIGINT or SIGTERM, then closes it cleanly. Returns the exit code for
 * immediate failures (bad arguments, port taken); otherwise it keeps running.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        db: { type: 'string', default: './attune.sqlite' },
        config: { type: 'string' },
        origin: { type: 'string', multiple: true },
        sites: { type: 'string' },
        site: { type: 'string' },
        'write-key': { type: 'string' },
        'max-connections': { type: 'string', default: String(DEFAULT_CONNECTION_LIMITS.maxConnections) },
        'admin-token': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer from 0 to 65535, not ${values.port}\n`);
    return 2;
  }
  const maxConnections = Number(values['max-connections']);
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    process.stderr.write(`--max-connections must be a positive integer, not ${values['max-connections']}\n`);
    return 2;
  }
  const sites = sitesOption(values);
  if ('problem' in sites) {
    process.stderr.write(`${sites.problem}\n\n${USAGE}`);
    return 2;
  }
  try {
    const collector = await startCollector({
      sites: sites.sites,
      maxConnections,
      port,
      host: values.host,
      db: values.db,
      configFile: values.config,
      origins: values.origin?.length ? values.origin : [DEMO_ORIGIN],
      adminToken: values['admin-token'],
    });
    process.stdout.write(`attune-collector listening on ${collector.url} (db ${values.db})\n`);
    if (sites.generated) {
      process.stdout.write(`site "${values.site}": write key ${sites.generated} (made now; pass --write-key to keep one across restarts)\n`);
      process.stdout.write(`  <script src=".../attune.min.js" data-site="${values.site}" data-write-key="${sites.generated}" data-endpoint="${collector.url}" async></script>\n`);
    }
    if (values['admin-token'] ?? process.env.ATTUNE_ADMIN_TOKEN) process.stdout.write(`dashboard: ${collector.url}/dashboard\n`);
    const stop = () => void collector.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return 0;
  } catch (error) {
    process.stderr.write(`attune-collector could not start: ${(error as Error).message}\n`);
    return 1;
  }
}

type Sites = { sites: string | object; generated?: string } | { problem: string };

// --sites, or the quick form --site with --origin; one of them is required, so a
// collector started by hand never accepts writes without a key.
function sitesOption(values: { sites?: string; site?: string; origin?: string[]; 'write-key'?: string }): Sites {
  if (values.sites !== undefined) {
    if (values.site !== undefined) return { problem: 'give either --sites or --site, not both' };
    if (values.origin?.length) return { problem: "with --sites, each site's origins are in the sites file (\"origins\"), not --origin" };
    if (values['write-key'] !== undefined) return { problem: "with --sites, each site's write keys are in the sites file (\"writeKeys\"), not --write-key" };
    return { sites: values.sites };
  }
  if (values.site === undefined) {
    return { problem: 'which sites does this collector serve? Give --sites sites.json (see schema/sites.schema.json), or the quick form --site <id> --origin <url>' };
  }
  const given = values['write-key'];
  if (given !== undefined && given.length < MIN_WRITE_KEY_LENGTH) return { problem: `--write-key must be at least ${MIN_WRITE_KEY_LENGTH} characters` };
  const key = given ?? newWriteKey();
  const origins = values.origin?.length ? values.origin : [DEMO_ORIGIN];
  return { sites: { sites: { [values.site]: { writeKeys: [key], origins } } }, generated: given === undefined ? key : undefined };
}
