/**
 * Site configs served by `GET /v1/config`, read from the JSON file named on the
 * command line and re-read when it changes, so a marketer's edit is live without a
 * restart. Every version is checked at the door as `attune check` checks it: one
 * with an error is never served.
 */
import { readFileSync, statSync } from 'node:fs';
import { KINDS } from './check/kinds';
import { parseJson } from './check/json-text';
import type { CheckProblem } from './check/types';
import { publicConfig } from './config-public';
import { createLru, type Lru } from './lru';
import { etagOf } from './respond';

/** One site's config as served (only the keys the SDK reads, see config-public.ts), serialised, with its ETag. */
export interface ServedConfig {
  body: string;
  etag: string;
}

/** Looks up a site's config; `undefined` when the file has none for it. */
export interface ConfigSource {
  get(site: string): ServedConfig | undefined;
  /** How many sites' configs are held serialised. */
  readonly size: number;
}

interface Loaded {
  stamp: string;
  document: unknown;
  // Serialised per site on first request; bounded, since anyone can make up a ?site=.
  cache: Lru<string, ServedConfig | null>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const where = (p: CheckProblem) => (p.line === undefined ? p.path : `${p.path} (line ${p.line}, column ${p.column})`);
const listed = (problems: CheckProblem[]) => problems.map((p) => `\n  ${where(p)}: ${p.message}`).join('');

// Reads and checks one version of the file; throws, listing every error with its
// path, if it is missing, not JSON or not a valid config. Warnings go to `log`.
function load(file: string, maxSites: number, log: (message: string) => void): Loaded {
  const { mtimeMs, size } = statSync(file);
  const parsed = parseJson(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`config ${file} is not JSON:${listed([parsed.problem])}`);
  const document = parsed.value;
  if (!isObject(document)) throw new Error(`config ${file} must hold a JSON object`);
  const problems = KINDS.config.check(document);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new Error(`config ${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}:${listed(errors)}`);
  if (problems.length) log(`config ${file} has ${problems.length} warning${problems.length === 1 ? '' : 's'}:${listed(problems)}`);
  return { stamp: `${mtimeMs}:${size}`, document, cache: createLru(maxSites) };
}

// A file of the form { "sites": { "<site>": {...} } } holds one config per site; any
// other object is one config served to every site (the common single-shop case).
function pick(document: unknown, site: string): unknown {
  if (isObject(document) && isObject(document.sites)) return Object.hasOwn(document.sites, site) ? document.sites[site] : undefined;
  return document;
}

/**
 * Reads and checks `file` now (throwing if it is missing, not JSON or has an error,
 * each listed with its JSON path, so a mistake fails the start) and again whenever
 * its size or modification time changes. A later version that is broken is reported
 * through `log`, once, with every error and its path, and the last good version
 * stays served. At most `maxSites` sites' serialised configs are kept (least
 * recently used dropped).
 */
export function createConfigSource(file: string, log: (message: string) => void, maxSites = 1000): ConfigSource {
  let loaded = load(file, maxSites, log);
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
      loaded = load(file, maxSites, log);
      failed = '';
    } catch (error) {
      failed = stamp;
      log(`config ${file} not reloaded, serving the previous version: ${(error as Error).message}`);
    }
  };
  return {
    get(site) {
      refresh();
      let served = loaded.cache.get(site);
      if (served === undefined) {
        // Only what the SDK reads is served: notes and descriptions stay in the file.
        const picked = pick(loaded.document, site);
        const config = picked === undefined ? undefined : publicConfig(picked);
        const body = config === undefined ? undefined : JSON.stringify(config);
        served = body === undefined ? null : { body, etag: etagOf(body) };
        loaded.cache.set(site, served);
      }
      return served ?? undefined;
    },
    get size() {
      return loaded.cache.size;
    },
  };
}
