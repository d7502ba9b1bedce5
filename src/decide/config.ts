/**
 * The site config: named segments, the placements Attune decides, and bandit
 * statistics, all plain JSON that designers write and `validateConfig` checks at
 * the door. The format is described for people in docs/config.md and for editors
 * in schema/attune.config.schema.json; its types are in config-types.ts.
 */
import { isObject, seg } from './condition';
import { checkCondition, type RegexProblem } from './condition-check';
import { safeUrl, type UrlAttribute } from './url';
import { RECOMMEND_STRATEGIES } from '../recommend/strategies';
import type { ConfigProblem, ConfigValidation, ValidPlacement } from './config-types';

export type * from './config-types';

type Any = any;
type Check = (value: Any, path: string) => Any;

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const isStr = (v: unknown): v is string => typeof v == 'string' && /\S/.test(v);
const isNum = (v: unknown): v is number => typeof v == 'number' && isFinite(v);
const json = JSON.stringify;
const words = (s: string) => s.split(' ');
const ACTIONS = words('text attr addClass removeClass hide show');
const KINDS = words('template ops quiz recommend');

const validCss = (s: string) => {
  try {
    typeof document != 'undefined' && document.createDocumentFragment().querySelector(s);
    return true;
  } catch {
    return false;
  }
};


// A copy the validated config owns. evalCondition compiles a condition once per object, so the
// config given again after an edit must bring new objects, and an edit after giving it must not
// reach the config. A value JSON cannot hold (a cycle) stays as it is.
const copy = (v: Any): Any => (Array.isArray(v) ? v.map(copy) : isObject(v) ? Object.fromEntries(Object.keys(v).map((k) => [k, copy(v[k])])) : v);
const copied = (c: Any): Any => {
  try {
    return copy(c);
  } catch {
    return c;
  }
};

/**
 * Checks a site config and returns the parts that may run, with every problem
 * found and its JSON path. It never throws. What it keeps:
 * - a placement without a valid `id`, and a repeat of an earlier id, is dropped;
 *   any other placement with an error is kept, marked `broken`, and shows its default;
 * - a variant without a valid `id`, or repeating one, is dropped; an unknown
 *   `default` becomes the first variant;
 * - an operation, a content or a statistics entry with any error is dropped whole,
 *   so nothing half-checked (an op whose selector failed would hit the whole slot) runs;
 * - unknown keys are warnings and are left out.
 *
 * `regex` judges each `$regex` pattern (see {@link RegexProblem}); by default it is the
 * script tag's own small check, which is what the tag runs. The npm entry's
 * `validateConfig` passes `fullRegexCheck`, which the tag cannot carry.
 *
 * @example const { config, problems } = validateConfig(JSON.parse(text))
 */
export function validateConfig(config: unknown, regex?: RegexProblem): ConfigValidation {
  const problems: ConfigProblem[] = [];
  const errors: ConfigProblem[] = [];
  const placements: ValidPlacement[] = [];
  let segments: string[] = [];
  // The placement being checked: its variant ids, template paths and weighted pool.
  let ids: string[] = [];
  let templates: string[] = [];
  let pool: [string, unknown][] = [];
  let weighted = false;

  const add = (path: string, message: string, warn?: unknown): undefined => {
    const problem: ConfigProblem = { path, message, severity: warn ? 'warning' : 'error' };
    problems.push(problem);
    warn || errors.push(problem);
    return undefined;
  };
  const unknown = (what: string, id: unknown, path: string, warn?: unknown) => add(path, `unknown ${what} ${json(id)}`, warn);
  const is = (test: (v: Any) => unknown, message: string): Check => (v, p) => (test(v) ? v : add(p, message));
  const str = is(isStr, 'must be a non-empty string');
  const text = is((v) => typeof v == 'string', 'must be a string');
  // A number in [lo, hi], whole if `whole`.
  const range = (lo: number, hi = Infinity, whole?: 1) =>
    is((v) => isNum(v) && v >= lo && v <= hi && (!whole || v % 1 == 0), `must be a ${whole ? 'whole ' : ''}number in [${lo}, ${hi}]`);
  const count = range(0, Infinity, 1);
  const yes = is((v) => v === true, 'must be true');
  const oneOf = (list: readonly string[]) => is((v) => list.includes(v), 'must be one of: ' + list.join(', '));
  // Drops the result of `check` if it reported an error.
  const whole = (check: Check): Check => (v, p) => {
    const before = errors.length;
    const out = check(v, p);
    return errors.length > before ? undefined : out;
  };
  const list = (check: Check, nonEmpty?: 1): Check => (v, p) =>
    Array.isArray(v) && (v.length || !nonEmpty)
      ? v.map((x, i) => check(x, p + '[' + i + ']')).filter((x) => x !== undefined)
      : add(p, 'must be a' + (nonEmpty ? ' non-empty' : 'n') + ' array');
  const map = (check: (v: Any, p: string, key: string) => Any): Check => (v, p) => {
    if (!isObject(v)) return add(p, 'must be an object');
    const out = Object.create(null);
    for (const k of Object.keys(v)) {
      const x = check(v[k], p + seg(k), k);
      if (x !== undefined) out[k] = x;
    }
    return out;
  };
  // Copies the keys of `table` that pass their checks, in table order.
  const fields = (table: Record<string, Check>, required: string[] = [], strict?: string, oneKey?: string[]): Check => (o, p) => {
    if (!isObject(o)) return add(p, 'must be an object');
    const out: Any = {};
    for (const k in table) {
      const x = has(o, k) ? table[k](o[k], p + seg(k)) : undefined;
      if (x !== undefined) out[k] = x;
    }
    for (const k of Object.keys(o)) if (!has(table, k)) add(p + seg(k), strict || 'unknown key', !strict);
    for (const k of required) if (!has(o, k)) add(p + seg(k), 'is required');
    if (oneKey && oneKey.filter((k) => has(o, k)).length != 1) add(p, 'needs exactly one of: ' + oneKey.join(', '));
    return out;
  };
  // Marks `o` broken with the first error reported since `before`.
  const mark = (before: number, o: Any) => {
    if (o && errors[before]) o.broken = errors[before];
    return o;
  };

  // Conditions: operators are checked everywhere (not only where evaluation reaches),
  // and strings compared with the `segments` attribute must name defined segments.
  const segment = (s: unknown, p: string, listed?: unknown) => {
    listed || add(p, 'segments is a list: use $in', 1);
    return segments.includes(s as string) ? s : unknown('segment', s, p);
  };
  const condition = (c: Any, p: string): Any => (checkCondition(c, p, add, segment, regex), isObject(c) ? copied(c) : undefined);

  const url = (attr: UrlAttribute): Check => (v, p) =>
    text(v, p) === undefined ? undefined : safeUrl(v, attr) ? v : add(p, 'unsafe URL scheme');
  const css: Check = (v, p) => str(v, p) && (validCss(v) ? v : add(p, 'invalid CSS selector'));
  const attr = fields({ src: url('src'), srcset: url('srcset'), href: url('href'), alt: text, title: text, class: text, 'aria-label': text }, [], 'attribute not allowed');
  const op = fields({ selector: css, text, attr, addClass: str, removeClass: str, hide: yes, show: yes }, [], '', ACTIONS);
  const content = whole(
    fields(
      {
        template: (v, p) => str(v, p) && (templates.push(p), v),
        ops: list(whole(op)),
        quiz: is((v) => v === null || isStr(v), 'must be a quiz id or null'),
        recommend: fields(
          { strategy: oneOf(RECOMMEND_STRATEGIES as readonly string[]), limit: range(1, 100, 1) },
          ['strategy'],
        ),
      },
      [],
      '',
      KINDS,
    ),
  );
  const variantFields = fields({ id: str, when: condition, weight: range(0), content, description: text }, ['id']);
  const variant: Check = (x, p) => {
    const o = variantFields(x, p);
    if (!o?.id) return;
    if (ids.includes(o.id)) return add(p + '.id', 'duplicate id ' + json(o.id));
    ids.push(o.id);
    if (weighted && !has(x, 'when')) pool.push([p + '.weight', x.weight]);
    else if (has(x, 'weight')) add(p + '.weight', 'ignored: not in a weighted split', 1);
    return o;
  };
  const placementFields = fields(
    {
      id: str,
      selector: css,
      slot: str,
      strategy: oneOf(['rules', 'weighted', 'bandit']),
      variants: list(variant, 1),
      default: (v, p) => str(v, p) && (ids.includes(v) ? v : unknown('variant', v, p)),
      goal: (v, p) => (isStr(v) ? [v] : Array.isArray(v) && v.length && v.every(isStr) ? v : add(p, 'must be an event name or a list of them')),
      holdout: range(0, 0.5),
      sticky: is((v) => typeof v == 'boolean', 'must be true or false'),
      version: count,
      segments: list((v, p) => segment(v, p, 1)),
      attributionDays: range(1, 365, 1),
      value: str,
      description: text,
    },
    ['id', 'variants'],
  );
  const placement: Check = (x, p) => {
    const before = errors.length;
    ids = [];
    templates = [];
    pool = [];
    weighted = isObject(x) && x.strategy == 'weighted';
    const o = placementFields(x, p);
    if (!o) return;
    // Neither is fine: the page's code renders the placement itself, after decide().
    if (has(x, 'selector') && has(x, 'slot')) add(p, 'needs at most one of: selector, slot');
    const weights = pool.map((w) => w[1]);
    if (weights.some((w) => w !== undefined)) {
      pool.forEach(([q, w]) => w === undefined && add(q, 'is required: other variants in the split have one'));
      const sum = weights.reduce((a: number, w: Any) => a + w, 0);
      if (weights.every((w) => isNum(w) && w >= 0) && Math.abs(sum - 1) > 1e-3) add(p + '.variants', `weights add up to ${+sum.toFixed(4)}, not 1`);
    }
    if (!o.slot) templates.forEach((q) => add(q, 'a template needs a slot', 1));
    if (o.strategy == 'bandit' && !has(x, 'goal')) add(p, 'a bandit needs a goal', 1);
    if (!o.id) return;
    if (placements.some((q) => q.id == o.id)) return add(p + '.id', 'duplicate id ' + json(o.id));
    const out = mark(before, { strategy: 'rules', goal: [], holdout: 0, sticky: true, version: 0, segments: [], attributionDays: 7, variants: [], ...o });
    if (!out.default && out.variants[0]) out.default = out.variants[0].id;
    placements.push(out);
    return out;
  };
  const segmentFields = fields({ when: condition, description: text }, ['when']);
  const arm = whole(fields({ impressions: count, conversions: count }, ['impressions', 'conversions']));
  const top = fields(
    {
      $schema: str,
      segments: (v, p) => {
        segments = isObject(v) ? Object.keys(v).filter((k) => k != '*') : [];
        return map((s, q, id) => (id == '*' ? add(q, '"*" is reserved') : mark(errors.length, segmentFields(s, q))))(v, p);
      },
      placements: list(placement),
      holdout: range(0, 0.5),
      holdoutVersion: count,
      stats: map((v, p, id) => {
        const pl = placements.find((x) => x.id == id);
        pl || unknown('placement', id, p, 1);
        return map((v, p, s) => {
          s == '*' || segments.includes(s) || unknown('segment', s, p, 1);
          return map((v, p, id) => (pl && !pl.variants.some((x) => x.id == id) && unknown('variant', id, p, 1), arm(v, p)))(v, p);
        })(v, p);
      }),
    },
    ['placements'],
  );

  let out: Any;
  try {
    out = top(config, '$');
  } catch {
    // Only hostile input gets here (a getter that throws, a cycle, a Proxy).
    add('$', 'could not be read');
  }
  return { config: { segments: Object.create(null), placements: [], stats: Object.create(null), holdout: 0, holdoutVersion: 0, ...out }, problems };
}
