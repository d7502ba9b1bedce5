/**
 * Site configs served by `GET /v1/config`, read from the JSON file named on the
 * command line and re-read when it changes, so a marketer's edit is live without a
 * restart.
 */
import { readFileSync, statSync } from 'node:fs';
import { etagOf } from './respond';

/** One site's config, serialised, with its ETag. */
export interface ServedConfig {
  body: string;
  etag: string;
}

/** Looks up a site's config; `undefined` when the file has none for it. */
export interface ConfigSource {
  get(site: string): ServedConfig | undefined;
}

interface Loaded {
  stamp: string;
  document: unknown;
  cache: Map<string, ServedConfig | undefined>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function load(file: string): Loaded {
  const { mtimeMs, size } = statSync(file);
  const document: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isObject(document)) throw new Error(`${file}: a config file must hold a JSON object`);
  return { stamp: `${mtimeMs}:${size}`, document, cache: new Map() };
}

// A file of the form { "sites": { "<site>": {...} } } holds one config per site; any
// other object is one config served to every site (the common single-shop case).
function pick(document: unknown, site: string): unknown {
  if (isObject(document) && isObject(document.sites)) return Object.hasOwn(document.sites, site) ? document.sites[site] : undefined;
  return document;
}

/**
 * Reads `file` now (throwing if it is missing or not JSON, so a typo fails at start)
 * and again whenever its size or modification time changes. A later edit that
 * breaks the JSON is reported through `log` and the last good version stays served.
 */
export function createConfigSource(file: string, log: (message: string) => void): ConfigSource {
  let loaded = load(file);
  // The stamp of a version that failed to load, so a broken file is reported once, not per request.
  let failed = '';
  const refresh = () => {
    let stamp = 'missing';
    try {
      const { mtimeMs, size } = statSync(file);
      stamp = `${mtimeMs}:${size}`;
    } catch {
      // Reported below, through load()'s own error.
    }
    if (stamp === loaded.stamp || stamp === failed) return;
    try {
      loaded = load(file);
      failed = '';
    } catch (error) {
      failed = stamp;
      log(`config ${file} not reloaded, serving the previous version: ${(error as Error).message}`);
    }
  };
  return {
    get(site) {
      refresh();
      if (!loaded.cache.has(site)) {
        const config = pick(loaded.document, site);
        const body = config === undefined ? undefined : JSON.stringify(config);
        loaded.cache.set(site, body === undefined ? undefined : { body, etag: etagOf(body) });
      }
      return loaded.cache.get(site);
    },
  };
}
