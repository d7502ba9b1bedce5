/**
 * The script tag's defensive reader of a site config: what the first paint needs,
 * small, and never throwing. It is not the validator (src/decide/config.ts, run at the
 * door by `attune check`, the collector and the `debug` add-on): it checks only what
 * the engine and the slots rely on, and a placement it cannot use is left out whole,
 * with one problem naming the JSON path of the first part it could not use, so its slot
 * keeps the page's own markup. (The validator instead keeps such a placement, marked
 * broken, on its default variant, which may be a targeted campaign variant shown to
 * every visitor.) The words are short, since every byte here is paid before the first
 * paint; the path says where, and `attune check` or `data-debug` say why in full.
 * Conditions are not checked: evaluation reports an unknown operator and makes its
 * clause false, and content is applied safely whatever it holds (apply.ts).
 */
import { isObject, seg } from './condition';
import { toBanditStats } from './stats';
import type { ConfigProblem, ValidConfig, ValidPlacement } from './config-types';

type Any = any;

const isStr = (v: unknown): v is string => typeof v == 'string' && /\S/.test(v);
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
// A number in [lo, hi], whole if `whole`.
const num = (v: unknown, lo: number, hi: number, whole?: 1) => typeof v == 'number' && v >= lo && v <= hi && (!whole || v % 1 == 0);
// Optional numbers of a placement: [key, lo, hi, whole].
const NUMBERS: [string, number, number, 1?][] = [['holdout', 0, 0.5], ['version', 0, 1e15, 1], ['attributionDays', 1, 365, 1]];
const KINDS = ['template', 'ops', 'quiz', 'recommend'];

// Whether a variant's content is exactly one kind, of its shape.
const usableContent = (c: Any) => {
  const kinds = isObject(c) ? KINDS.filter((k) => has(c, k)) : [];
  const v = c?.[kinds[0]];
  return (
    kinds.length == 1 &&
    (kinds[0] == 'template' ? isStr(v) : kinds[0] == 'ops' ? Array.isArray(v) && v.every(isObject) : kinds[0] == 'quiz' ? v === null || isStr(v) : isObject(v) && isStr(v.strategy))
  );
};

// The path (after the placement's own) of the first part of `p` that cannot be used, if any.
const unusable = (p: Any, ids: string[]): string | undefined => {
  if (!isObject(p)) return '';
  if (!isStr(p.id) || ids.includes(p.id)) return '.id';
  const { variants, strategy } = p;
  if (!Array.isArray(variants) || !variants.length) return '.variants';
  const seen: string[] = [];
  const weights: unknown[] = [];
  for (let i = 0; i < variants.length; i++) {
    const v = variants[i];
    const at = `.variants[${i}]`;
    if (!isObject(v) || !isStr(v.id) || seen.includes(v.id)) return at + '.id';
    seen.push(v.id);
    if (has(v, 'when') && !isObject(v.when)) return at + '.when';
    if (has(v, 'content') && !usableContent(v.content)) return at + '.content';
    if (strategy == 'weighted' && !has(v, 'when')) weights.push(v.weight);
  }
  if (has(p, 'strategy') && !['rules', 'weighted', 'bandit'].includes(strategy)) return '.strategy';
  // A weighted split either gives every variant of its pool a weight, adding up to 1, or none.
  if (weights.some((w) => w !== undefined) && !(weights.every((w) => num(w, 0, 1)) && Math.abs(weights.reduce((a: number, w: Any) => a + w, 0) - 1) < 1e-3)) return '.variants';
  if (has(p, 'slot') && has(p, 'selector')) return '.selector';
  for (const k of ['slot', 'selector', 'value']) if (has(p, k) && !isStr(p[k])) return '.' + k;
  if (has(p, 'default') && !seen.includes(p.default)) return '.default';
  if (has(p, 'goal') && !(isStr(p.goal) || (Array.isArray(p.goal) && p.goal.length && p.goal.every(isStr)))) return '.goal';
  for (const [k, lo, hi, whole] of NUMBERS) if (has(p, k) && !num(p[k], lo, hi, whole)) return '.' + k;
  if (has(p, 'sticky') && typeof p.sticky != 'boolean') return '.sticky';
  if (has(p, 'segments') && !(Array.isArray(p.segments) && p.segments.every(isStr))) return '.segments';
};

/** What {@link readConfig} returns. */
export interface ConfigReading {
  config: ValidConfig;
  /** Every problem, each an `error`: what it names was left out. */
  problems: ConfigProblem[];
  /** The placements left out, by id, with their problem: deciding one shows nothing. */
  left: Record<string, ConfigProblem>;
}

/**
 * Reads a site config for the engine, never throwing: the placements and segments it
 * can use, with the engine's defaults filled in, and one problem (severity `error`)
 * for each part it left out. Unknown keys are ignored.
 *
 * @example const { config, problems } = readConfig(JSON.parse(text))
 */
export function readConfig(raw: unknown): ConfigReading {
  const problems: ConfigProblem[] = [];
  const left: Record<string, ConfigProblem> = Object.create(null);
  const add = (path: string, message = 'cannot be used, and is left out') => {
    const problem: ConfigProblem = { path, message, severity: 'error' };
    problems.push(problem);
    return problem;
  };
  const config: ValidConfig = { segments: Object.create(null), placements: [], stats: Object.create(null), holdout: 0, holdoutVersion: 0 };
  try {
    if (!isObject(raw)) return add('$'), { config, problems, left };
    const { segments = {}, placements, holdout = 0, holdoutVersion = 0 } = raw;
    if (!isObject(segments)) add('$.segments');
    else
      for (const id of Object.keys(segments))
        id != '*' && isObject(segments[id]?.when) ? (config.segments[id] = { when: segments[id].when }) : add('$.segments' + seg(id));
    if (!Array.isArray(placements)) add('$.placements');
    const ids: string[] = [];
    (Array.isArray(placements) ? placements : []).forEach((p: Any, i) => {
      const wrong = unusable(p, ids);
      if (wrong !== undefined) {
        const problem = add(`$.placements[${i}]${wrong}`, 'cannot be used: the placement is left out, and its slot keeps the page\'s markup');
        if (isStr(p?.id) && !ids.includes(p.id)) left[p.id] = problem;
        return;
      }
      ids.push(p.id);
      const placement: ValidPlacement = {
        strategy: 'rules',
        holdout: 0,
        sticky: true,
        version: 0,
        segments: [],
        attributionDays: 7,
        ...p,
        goal: p.goal === undefined ? [] : [p.goal].flat(),
        default: p.default ?? p.variants[0].id,
      };
      config.placements.push(placement);
    });
    num(holdout, 0, 0.5) ? (config.holdout = holdout) : add('$.holdout');
    num(holdoutVersion, 0, 1e15, 1) ? (config.holdoutVersion = holdoutVersion) : add('$.holdoutVersion');
    if (raw.stats !== undefined) config.stats = toBanditStats(raw.stats);
  } catch {
    // Only hostile input gets here (a getter that throws, a Proxy): what was read stands.
    add('$', 'could not be read');
  }
  return { config, problems, left };
}
