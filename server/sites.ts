/**
 * The sites a collector serves, and each one's keys and settings: the sites file
 * (`--sites sites.json`, schema `schema/sites.schema.json`), shaped
 * `{ "sites": { "<site id>": { "writeKeys": [...], "origins": [...], … } } }`.
 * A site not in it does not exist. Every problem in the file is reported at once,
 * each with its JSON path, and the collector does not start on a broken file.
 */
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { siteProblem } from './site';

/** When the collector detects trigger signals, per site. */
export interface TriggerTiming {
  /** Items in the cart and no order for this long: `Cart Abandoned`. Default 60. */
  cartAbandonedMinutes: number;
  /** A product viewed at least `browseViews` times, no cart, for this long: `Browse Abandoned`. Default 60. */
  browseAbandonedMinutes: number;
  /** Default 3. */
  browseViews: number;
  /** A customer with no visit for this long: `Win-back`. Default 60. */
  winBackDays: number;
}

/** Where a site's trigger signals are delivered. */
export interface WebhookSettings {
  /** An `https:` URL (or `http:` on a loopback address, for development). */
  url: string;
  /** The signal event names delivered there (e.g. `Cart Abandoned`). */
  events: string[];
  /** The HMAC-SHA256 signing secret, 24 characters at least. */
  secret: string;
  /** The visitor traits a delivery may carry besides the user id (none by default). */
  traits: string[];
}

/** One site's settings, defaults applied. */
export interface SiteSettings {
  id: string;
  /** Keys accepted for writes; public by nature (they sit in the page). */
  writeKeys: string[];
  /** Browser origins allowed to call the public endpoints. */
  origins: string[];
  /** Raw events older than this many days are deleted; null keeps them. Default 395 (13 months). */
  retainDays: number | null;
  triggers: TriggerTiming;
  webhooks: WebhookSettings[];
  /** Traits treated as sensitive: never logged, stored only when `storeSensitiveTraits`. Default `["email", "phone"]`. */
  sensitiveTraits: string[];
  /** Default false: sensitive traits are removed from events before they are stored. */
  storeSensitiveTraits: boolean;
}

/** The sites of a collector. */
export interface SiteRegistry {
  /** The site's settings, or undefined when it does not exist. */
  get(site: string): SiteSettings | undefined;
  /** True when `key` is one of the site's write keys (constant time in the key's content). */
  acceptsWriteKey(site: string, key: string | undefined): boolean;
  /** Every site. */
  all(): SiteSettings[];
  /** True for a registry where every site exists and writes need no key (development and tests). */
  open: boolean;
}

/** One problem in a sites document: where (a JSON path) and what. */
export interface SitesProblem {
  path: string;
  message: string;
}

const DEFAULT_TRIGGERS: TriggerTiming = { cartAbandonedMinutes: 60, browseAbandonedMinutes: 60, browseViews: 3, winBackDays: 60 };
/** Write keys shorter than this are refused: a key that is easy to guess scopes nothing. */
export const MIN_WRITE_KEY_LENGTH = 16;
const MIN_SECRET_LENGTH = 24;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const digest = (value: string) => createHash('sha256').update(value).digest();

function webhookUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol === 'https:') return null;
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  return url.protocol === 'http:' && loopback ? null : 'must be https: (http: only on a loopback address)';
}

/** Checks a sites document; returns every site's settings with defaults, or every problem. */
export function parseSites(document: unknown): { sites: SiteSettings[]; problems: SitesProblem[] } {
  const problems: SitesProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const sites: SiteSettings[] = [];
  if (!isObject(document) || !isObject(document.sites)) {
    add('$.sites', 'must be an object of site id → settings');
    return { sites, problems };
  }
  const strings = (value: unknown, path: string, check: (s: string, at: string) => void = () => {}) => {
    if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
      add(path, 'must be a list of strings');
      return [];
    }
    value.forEach((s, i) => check(s, `${path}[${i}]`));
    return value as string[];
  };
  const whole = (value: unknown, path: string, min: number, fallback: number) => {
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
    add(path, `must be a whole number of at least ${min}`);
    return fallback;
  };
  for (const [id, raw] of Object.entries(document.sites)) {
    const at = `$.sites[${JSON.stringify(id)}]`;
    const idProblem = siteProblem(id);
    if (idProblem) add(at, `site id ${idProblem}`);
    if (!isObject(raw)) {
      add(at, 'must be an object');
      continue;
    }
    const writeKeys = strings(raw.writeKeys, `${at}.writeKeys`, (key, path) => {
      if (key.length < MIN_WRITE_KEY_LENGTH) add(path, `a write key must be at least ${MIN_WRITE_KEY_LENGTH} characters`);
    });
    if (Array.isArray(raw.writeKeys) && raw.writeKeys.length === 0) add(`${at}.writeKeys`, 'needs at least one key');
    const origins = raw.origins === undefined ? [] : strings(raw.origins, `${at}.origins`, (origin, path) => {
      if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) add(path, 'must be an origin like https://shop.example (no path), or *');
    });
    const retain = raw.retainDays;
    const retainDays = retain === null ? null : whole(retain, `${at}.retainDays`, 1, 395);
    const t = raw.triggers ?? {};
    if (!isObject(t)) add(`${at}.triggers`, 'must be an object');
    const timing = isObject(t) ? t : {};
    // The windows in minutes may be fractions (0.05 is 3 s), so a test or a demo can see a signal while it watches.
    const minutes = (value: unknown, path: string, fallback: number) => {
      if (value === undefined) return fallback;
      if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
      add(path, 'must be a number of minutes above 0');
      return fallback;
    };
    const triggers: TriggerTiming = {
      cartAbandonedMinutes: minutes(timing.cartAbandonedMinutes, `${at}.triggers.cartAbandonedMinutes`, DEFAULT_TRIGGERS.cartAbandonedMinutes),
      browseAbandonedMinutes: minutes(timing.browseAbandonedMinutes, `${at}.triggers.browseAbandonedMinutes`, DEFAULT_TRIGGERS.browseAbandonedMinutes),
      browseViews: whole(timing.browseViews, `${at}.triggers.browseViews`, 1, DEFAULT_TRIGGERS.browseViews),
      winBackDays: whole(timing.winBackDays, `${at}.triggers.winBackDays`, 1, DEFAULT_TRIGGERS.winBackDays),
    };
    const webhooks: WebhookSettings[] = [];
    if (raw.webhooks !== undefined && !Array.isArray(raw.webhooks)) add(`${at}.webhooks`, 'must be a list');
    (Array.isArray(raw.webhooks) ? raw.webhooks : []).forEach((w: unknown, i: number) => {
      const path = `${at}.webhooks[${i}]`;
      if (!isObject(w)) return add(path, 'must be an object');
      const urlProblem = webhookUrlProblem(w.url);
      if (urlProblem) add(`${path}.url`, urlProblem);
      if (typeof w.secret !== 'string' || w.secret.length < MIN_SECRET_LENGTH) add(`${path}.secret`, `must be a secret of at least ${MIN_SECRET_LENGTH} characters`);
      webhooks.push({
        url: String(w.url),
        events: strings(w.events, `${path}.events`),
        secret: String(w.secret),
        traits: w.traits === undefined ? [] : strings(w.traits, `${path}.traits`),
      });
    });
    const sensitiveTraits = raw.sensitiveTraits === undefined ? ['email', 'phone'] : strings(raw.sensitiveTraits, `${at}.sensitiveTraits`);
    if (raw.storeSensitiveTraits !== undefined && typeof raw.storeSensitiveTraits !== 'boolean') add(`${at}.storeSensitiveTraits`, 'must be true or false');
    const known = new Set(['writeKeys', 'origins', 'retainDays', 'triggers', 'webhooks', 'sensitiveTraits', 'storeSensitiveTraits', 'description']);
    for (const key of Object.keys(raw)) if (!known.has(key)) add(`${at}.${key}`, 'is not a setting (a typo?)');
    sites.push({ id, writeKeys, origins, retainDays, triggers, webhooks, sensitiveTraits, storeSensitiveTraits: raw.storeSensitiveTraits === true });
  }
  return { sites, problems };
}

function registry(sites: SiteSettings[]): SiteRegistry {
  const byId = new Map(sites.map((s) => [s.id, s]));
  const keys = new Map(sites.map((s) => [s.id, s.writeKeys.map(digest)]));
  return {
    open: false,
    get: (site) => byId.get(site),
    acceptsWriteKey(site, key) {
      const accepted = keys.get(site);
      if (!accepted || key === undefined) return false;
      const candidate = digest(key);
      // Every key is compared, so the time does not tell which one (or whether any) matched.
      return accepted.reduce((found, k) => timingSafeEqual(k, candidate) || found, false);
    },
    all: () => sites,
  };
}

/** Reads and checks a sites file; throws naming the file and every problem with its path. */
export function loadSites(file: string): SiteRegistry {
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`sites file ${file} could not be read as JSON: ${(error as Error).message}`);
  }
  return sitesFrom(document, file);
}

/** A registry from a sites document already in memory; throws listing every problem. */
export function sitesFrom(document: unknown, name = 'the sites document'): SiteRegistry {
  const { sites, problems } = parseSites(document);
  if (problems.length) throw new Error(`${name} has ${problems.length} problem(s):\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  return registry(sites);
}

/** A new random write key (24 bytes, base64url). */
export const newWriteKey = (): string => `wk_${randomBytes(24).toString('base64url')}`;

/**
 * Every site exists and writes need no key: what a collector started from code
 * without `sites` does, for development and tests. Logged loudly at start.
 */
export function openSites(origins: readonly string[]): SiteRegistry {
  const settings = (id: string): SiteSettings => ({
    ...parseSites({ sites: { [id]: { writeKeys: ['x'.repeat(MIN_WRITE_KEY_LENGTH)], origins: [...origins] } } }).sites[0],
    writeKeys: [],
  });
  return { open: true, get: (site) => (siteProblem(site) ? undefined : settings(site)), acceptsWriteKey: () => true, all: () => [] };
}
