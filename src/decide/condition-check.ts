/**
 * Checks the shape of a condition written by people (placements, segments, quiz
 * rules and outcomes): every branch is walked, not only the ones an evaluation would
 * reach, so a typo in a rarely taken branch is found at the door. What each operator's
 * operand must be comes from the operator registry (operators.ts).
 */
import { isObject, regexRisk, seg } from './condition';
import { LOGIC, OPERATORS, TYPES, type OperandKind } from './operators';
import { hasOwn } from '../core/own';

/** Hears one problem: its JSON path, what is wrong, and whether it is only a warning. */
export type ProblemSink = (path: string, message: string, warning?: unknown) => unknown;

/**
 * Hears each plain string a condition compares with the `segments` attribute (`listed`:
 * inside a list operator such as `$in`, the right way to test a list), so a config can
 * check the segment exists.
 */
export type SegmentCheck = (id: unknown, path: string, listed?: unknown) => unknown;

/**
 * Says why `source` must not run as the operand of `op` (`$regex`, or `$regexi`, which
 * ignores case), or returns nothing when it may. The default is {@link regexRisk}, the script tag's own
 * small check, which is what the tag will run; validators at the door pass
 * `fullRegexCheck` (src/validate.ts), which the tag cannot carry.
 */
export type RegexProblem = (source: string, op: string) => string | undefined;

type Any = any;
const isOps = (keys: string[]) => keys.every((k) => k[0] == '$');
// What the registry says an operator's operand is; false for an unknown one.
const operand = (table: Readonly<Record<string, { operand: OperandKind }>>, op: string): OperandKind | false => hasOwn(table, op) && table[op].operand;

const validRegex = (s: unknown) => {
  try {
    return typeof s == 'string' && !!RegExp(s);
  } catch {
    return false;
  }
};

/**
 * Reports to `add` every problem of condition `c` at `path`: not an object, unknown
 * operators, logic operators without an array, list operators without one, a `$type`
 * that names no type, a regular expression that does not compile or that `regex` refuses
 * (one that could backtrack catastrophically); a value mixing operators and plain keys is
 * a warning (it is compared whole, which is rarely meant).
 *
 * @example checkCondition(placement.when, '$.placements[0].when', (path, message) => problems.push({ path, message }))
 */
export function checkCondition(c: unknown, path: string, add: ProblemSink, segment?: SegmentCheck, regex: RegexProblem = regexRisk): void {
  const condition = (c: Any, p: string): unknown => {
    if (!isObject(c)) return add(p, 'must be an object');
    for (const k of Object.keys(c)) {
      const v = c[k];
      const q = p + seg(k);
      const logic = operand(LOGIC, k);
      if (logic == 'conditions') Array.isArray(v) ? v.forEach((x, i) => condition(x, q + '[' + i + ']')) : add(q, 'must be an array');
      else if (logic == 'condition') condition(v, q);
      else if (k[0] == '$') add(q, 'unknown operator ' + k);
      else value(v, q, !!segment && k == 'segments');
    }
  };
  // `s`: the value is compared with the `segments` attribute.
  const value = (v: Any, p: string, s: boolean, listed?: unknown): void => {
    const keys = isObject(v) ? Object.keys(v) : [];
    if (!keys.length) s && typeof v == 'string' && segment!(v, p, listed);
    else if (!isOps(keys)) keys.some((k) => k[0] == '$') && add(p, 'mixes $ operators and plain keys', 1);
    else
      for (const op of keys) {
        const e = v[op];
        const q = p + seg(op);
        const kind = operand(OPERATORS, op);
        if (!kind) add(q, 'unknown operator ' + op);
        else if (kind == 'list') Array.isArray(e) ? e.forEach((x, i) => value(x, q + '[' + i + ']', s, 1)) : add(q, 'must be an array');
        else if (kind == 'element') !isObject(e) ? add(q, 'must be an object') : isOps(Object.keys(e)) ? value(e, q, s, 1) : condition(e, q);
        else if (kind == 'type') TYPES.includes(e) || add(q, 'must be one of: ' + TYPES.join(', '));
        else if (kind == 'regex') pattern(e, q, op);
        else value(e, q, s && kind != 'length', listed);
      }
  };
  // A `$regex` operand that is no string or does not compile, or that `regex` refuses.
  const pattern = (e: Any, p: string, op: string) => {
    const problem = validRegex(e) ? regex(e, op) : 'invalid regular expression';
    problem && add(p, problem);
  };
  condition(c, path);
}
