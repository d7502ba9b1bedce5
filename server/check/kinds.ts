/**
 * The kinds of file checked at the door, as a registry: how each is recognised by
 * its content and which validator judges it. `attune check` and the collector's
 * `--config` loading both judge through it, so a config the command passes is one
 * the collector serves. Adding a kind is one entry here.
 */
import { isObject, seg } from '../../src/decide/condition';
import { validateCatalog } from '../../src/recommend/catalog';
import { validateConfig, validateQuiz } from '../../src/validate';
import { parseSites } from '../sites';
import type { CheckKind, CheckProblem } from './types';

interface Kind {
  /** What the kind is, for the message about a file whose kind cannot be told. */
  looksLike: string;
  /** The name its schema's file ends with, so a `$schema` naming it decides the kind. */
  schema?: string;
  /** Whether a document of unknown kind is one of these, by its content. */
  detect(document: unknown): boolean;
  /** Every problem, with its JSON path from the document's root. */
  check(document: unknown): CheckProblem[];
}

// A sites file and a file of many configs are both { "sites": { "<id>": {…} } }: a
// site's settings hold write keys, a config holds placements.
const siteValues = (document: unknown) => (isObject(document) && isObject(document.sites) ? Object.values(document.sites) : undefined);
const manyConfigs = (document: unknown) => !!siteValues(document)?.some((v) => isObject(v) && ('placements' in v || 'segments' in v));

/** Each site's config of a `{ "sites": { "<id>": config } }` file, its paths under `$.sites.<id>`. */
function checkManyConfigs(document: Record<string, unknown>): CheckProblem[] {
  const problems: CheckProblem[] = [];
  for (const key of Object.keys(document)) {
    if (key !== 'sites' && key !== '$schema') {
      problems.push({ path: `$${seg(key)}`, message: 'is not read: a file with "sites" holds one config per site, under sites', severity: 'error' });
    }
  }
  for (const [site, config] of Object.entries(document.sites as Record<string, unknown>)) {
    const base = `$.sites${seg(site)}`;
    for (const p of validateConfig(config).problems) problems.push({ ...p, path: base + p.path.slice(1) });
  }
  return problems;
}

/** The kinds, in the order content detection tries them. */
export const KINDS: Readonly<Record<CheckKind, Kind>> = {
  config: {
    looksLike: 'a site config has "placements" (or "sites" holding configs)',
    schema: 'attune.config.schema.json',
    detect: (d) => (isObject(d) && ('placements' in d || ('segments' in d && !('questions' in d)))) || manyConfigs(d),
    check: (d) => (isObject(d) && isObject(d.sites) && !('placements' in d) ? checkManyConfigs(d) : validateConfig(d).problems),
  },
  quiz: {
    looksLike: 'a quiz has "questions"',
    schema: 'quiz.schema.json',
    detect: (d) => isObject(d) && ('questions' in d || 'outcomes' in d),
    check: (d) => validateQuiz(d).problems,
  },
  catalog: {
    looksLike: 'a catalog is a list of products or { "products": [...] }',
    detect: (d) => Array.isArray(d) || (isObject(d) && Array.isArray(d.products)),
    check: (d) => validateCatalog(d).problems,
  },
  sites: {
    looksLike: 'a sites file has "sites" holding write keys',
    schema: 'sites.schema.json',
    detect: (d) => !!siteValues(d)?.some((v) => isObject(v) && 'writeKeys' in v),
    check: (d) => parseSites(d).problems.map((p) => ({ path: p.path, message: p.message, severity: 'error' as const })),
  },
};

/** Whether `name` is one of the kinds `--kind` accepts. */
export const isKind = (name: string): name is CheckKind => Object.hasOwn(KINDS, name);

/**
 * The kind of `document`: the one its `$schema` names, else the first whose content
 * fits, else `undefined`.
 */
export function detectKind(document: unknown): CheckKind | undefined {
  const entries = Object.entries(KINDS) as [CheckKind, Kind][];
  const schema = isObject(document) && typeof document.$schema === 'string' ? document.$schema : '';
  const named = entries.find(([, k]) => k.schema && schema.endsWith(k.schema));
  return (named ?? entries.find(([, k]) => k.detect(document)))?.[0];
}

/** Why a document's kind cannot be told, listing what each kind looks like. */
export const unknownKindMessage = (): string =>
  `cannot tell what kind of file this is (${Object.values(KINDS).map((k) => k.looksLike).join('; ')}); give --kind ${Object.keys(KINDS).join('|')}`;
