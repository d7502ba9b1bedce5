/**
 * The condition language: MongoDB-style queries over a visitor's attributes, with
 * GrowthBook's semantics (its JS SDK is the reference, spec 0.7) so that targeting
 * written for GrowthBook means the same here. Quirks kept on purpose, because a
 * rule must not change meaning when it moves between the two:
 * - A missing attribute reads as `null`, and the comparisons use JavaScript's own
 *   coercion, so `{ age: { $lt: 5 } }` holds for a visitor without an age.
 * - A bare string or number is compared after coercion (`value + ''`, `value * 1`),
 *   so `{ n: 5 }` matches `"5"`; `$eq`/`$ne` are strict.
 * - A bare array or object is compared whole (JSON equality); only `$in`, `$nin`,
 *   `$ini`, `$nini` intersect with an array attribute, and `$elemMatch` searches one.
 * - Dot paths read own properties only (GrowthBook uses `in`, which would let
 *   `toString` or `__proto__` reach the prototype).
 * Malformed operands (`$in: 1`, `$and: {}`) are false rather than mirroring what
 * JavaScript happens to do with them.
 */

/** A condition: attribute paths (dot-separated) or `$and`/`$or`/`$nor`/`$not` as keys. */
export type Condition = Record<string, unknown>;

/**
 * Called with a readable message and the JSON path of a clause that cannot run: an
 * unknown operator, or a `$regex` the tag refuses to run (see {@link regexRisk}).
 */
export type UnknownOperatorHandler = (message: string, path: string) => void;

/**
 * Every `$` operator the language knows, for validators and editors: `$and`, `$or`
 * and `$nor` join conditions, `$not` negates a condition or a value, and the rest
 * test an attribute's value. Anything else is an unknown operator.
 */
export const KNOWN_OPERATORS: readonly string[] = (
  '$and $or $nor $not $eq $ne $lt $lte $gt $gte $veq $vne $vlt $vlte $vgt $vgte ' +
  '$exists $in $ini $nin $nini $all $alli $elemMatch $size $type $regex $regexi'
).split(' ');

// The keys and indexes walked so far. The JSON path is only spelled out when a clause
// is reported: building it at every step cost more than the test.
type Steps = (string | number)[];
type Report = (message: string, steps: Steps) => void;
type Obj = Record<string, unknown>;

/**
 * Whether `v` is a plain object (not null, not an array). Its fields are `any`: the
 * validators that share it read JSON whose shape they are checking field by field.
 */
export const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v == 'object' && !Array.isArray(v);

// An object is an operator object only if every key is an operator; a mixed one is a value.
const isOps = (v: unknown): v is Obj => {
  const keys = isObject(v) ? Object.keys(v) : [];
  return keys.length > 0 && keys.every((k) => k[0] == '$');
};

/** The JSON-path step for key `k`: `.name`, or `["my key"]` when it is not an identifier. */
export const seg = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? '.' + k : '[' + JSON.stringify(k) + ']');

/**
 * Whether `attributes` satisfy `condition`. Never throws: a comparison that makes
 * JavaScript throw is a false clause, and a cyclic condition is false as a whole.
 * An unknown operator, or a `$regex` that could backtrack catastrophically
 * ({@link regexRisk}), makes its clause false and is passed to `onUnknown` once per path.
 * `$regex` and `$regexi` test the first {@link REGEX_INPUT_LIMIT} characters of a value.
 *
 * @example evalCondition({ country: { $in: ['DE', 'AT'] }, 'cart.total': { $gte: 50 } }, attrs)
 */
export function evalCondition(
  condition: Condition,
  attributes: unknown,
  onUnknown?: UnknownOperatorHandler,
): boolean {
  let seen: Set<string> | undefined;
  const report: Report = (message, steps) => {
    const path = '$' + steps.map((k) => (typeof k == 'number' ? `[${k}]` : seg(k))).join('');
    if (onUnknown && !(seen ||= new Set()).has(path)) {
      seen.add(path);
      onUnknown(`${message} (at ${path})`, path);
    }
  };
  try {
    return cond(attributes, condition, [], report);
  } catch {
    return false;
  }
}

// Calls `test` with `step` added to the path; throws propagate to evalCondition,
// which drops the whole path, so no step is left behind.
const within = <T>(s: Steps, step: string | number, test: () => T): T => {
  s.push(step);
  const result = test();
  s.pop();
  return result;
};

function cond(obj: unknown, c: unknown, s: Steps, r: Report): boolean {
  if (!isObject(c)) return false;
  for (const k of Object.keys(c)) {
    const v = c[k];
    s.push(k);
    let pass: boolean;
    if (k == '$and' || k == '$or' || k == '$nor') {
      const hit = (x: unknown, i: number) => within(s, i, () => cond(obj, x, s, r));
      // An empty $or passes, so an empty $nor fails: GrowthBook defines $nor as not-$or.
      pass = Array.isArray(v) && (k == '$and' ? v.every(hit) : (k == '$or') == (!v.length || v.some(hit)));
    } else if (k == '$not') {
      pass = isObject(v) && !cond(obj, v, s, r);
    } else pass = value(v, get(obj, k), s, r);
    s.pop();
    if (!pass) return false;
  }
  return true;
}

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const part of pathParts(path)) {
    if (!isObject(cur) && !Array.isArray(cur)) return null;
    if (!Object.prototype.hasOwnProperty.call(cur, part)) return null;
    cur = (cur as Obj)[part];
  }
  return cur;
}

function value(c: unknown, v: any, s: Steps, r: Report, fold?: boolean): boolean {
  if (isOps(c)) {
    for (const op of Object.keys(c)) {
      // As `within`, without a closure per operator on this hot path.
      s.push(op);
      const pass = operator(op, v, c[op], s, r);
      s.pop();
      if (!pass) return false;
    }
    return true;
  }
  // Coercion can throw (an object with a `toString` key, a cyclic array); that clause is
  // then false, but it must not take its `$not` or sibling `$or` branches down with it.
  try {
    if (typeof c == 'string') return fold ? String(v).toLowerCase() === c.toLowerCase() : v + '' === c;
    if (typeof c == 'number') return v * 1 === c;
    // A missing attribute is not `false`: `{ beta: false }` needs the attribute present.
    if (typeof c == 'boolean') return v !== null && !!v === c;
    return c === null ? v === null : JSON.stringify(v) === JSON.stringify(c);
  } catch {
    return false;
  }
}

function rel(o: string, x: any, y: any): boolean {
  try {
    return o == 'eq' ? x === y : o == 'ne' ? x !== y : o == 'lt' ? x < y : o == 'lte' ? x <= y : o == 'gt' ? x > y : x >= y;
  } catch {
    return false;
  }
}

const lower = (x: unknown, fold: boolean) => (fold && typeof x == 'string' ? x.toLowerCase() : x);

// An array attribute matches if any of its elements is in the list (intersection).
function isIn(a: unknown, list: unknown[], fold: boolean): boolean {
  const l = list.map((x) => lower(x, fold));
  return (Array.isArray(a) ? a : [a]).some((x) => l.includes(lower(x, fold)));
}

/** The types `$type` names. */
export const TYPES: readonly string[] = 'string number boolean object array null undefined'.split(' ');

function type(v: unknown): string {
  const t = typeof v;
  // typeof never says 'null' or 'array', so the list tells the rest from 'bigint' and the like.
  return v === null ? 'null' : Array.isArray(v) ? 'array' : TYPES.includes(t) ? t : 'unknown';
}

/**
 * GrowthBook's `paddedVersionString`: drops a leading `v` and `+build`, splits on
 * `.` and `-`, left-pads numeric parts so plain string order is version order, and
 * appends `~` to a bare `x.y.z` so a release sorts after its pre-releases.
 */
export function paddedVersion(v: unknown): string {
  return padded(typeof v == 'number' ? v + '' : v && typeof v == 'string' ? v : '0');
}

// Compiled patterns, padded versions and split attribute paths, kept since the same
// conditions run on every decision (and the same few attribute values come back): a
// bounded map per kind. Splitting paths anew was the largest cost of a decision.
const memo = <T>(make: (key: string) => T) => {
  const made = new Map<string, T>();
  return (key: string): T => {
    let x = made.get(key);
    if (x === undefined) {
      if (made.size > 200) made.clear();
      made.set(key, (x = make(key)));
    }
    return x;
  };
};
const padded = memo((s) => {
  const parts = s.replace(/^v|\+.*$/g, '').split(/[-.]/);
  if (parts.length == 3) parts.push('~');
  return parts.map((x) => (/^\d+$/.test(x) ? x.padStart(5, ' ') : x)).join('-');
});
const pathParts = memo((path) => path.split('.'));
// The flag ('i' or '-') first, then the source. A pattern regexRisk refuses is kept as
// its reason, so it is judged once and never compiled, let alone run.
const compiled = memo((key) => regexRisk(key.slice(1)) || new RegExp(key.slice(1), key[0] == 'i' ? 'i' : ''));
const pattern = (source: string, flags: string) => compiled((flags || '-') + source);

/**
 * How many characters of a value `$regex` and `$regexi` test: the first 1,000. A
 * pattern {@link regexRisk} lets through may still take time that grows with the
 * square or cube of the value's length (`.*b.*c`); on 1,000 characters that stays
 * within a fraction of a second, while a crafted link could carry far more.
 */
export const REGEX_INPUT_LIMIT = 1000;

/**
 * Why the script tag will not run `source` as a `$regex`, or `undefined` when it will.
 * A crafted value (a link's `?q=aaaa…b`) makes a pattern such as `(a+)+$` backtrack for
 * seconds to hours, freezing the page, and the tag cannot carry a full ReDoS checker, so
 * this is a small conservative one. It refuses:
 * - a back-reference (`\1`, `\k<name>`);
 * - a repeated group (`(…)*`, `(…)+`, `(…){n}`, and a literal `(…){` with them): the exponential cases (`(a+)+$`,
 *   `(a|aa)*$`, `(.*a){12}`) all repeat a group, and telling them from a harmless
 *   `(ab)+` needs the full analysis;
 * - over two unbounded repeats (`*`, `+`, `{n,}`, `{n,m}`). With no repeated group
 *   only single characters repeat, and each repeat that overlaps the next multiplies
 *   the work by the value's length: two cost ~0.2 s on {@link REGEX_INPUT_LIMIT}
 *   characters at worst, three 40 s (`.*.*.*=`).
 * Refusing a rare safe pattern costs a segment; running a bad one costs the page.
 * `fullRegexCheck` (src/validate.ts) adds redos-detector to this check at the door.
 */
export function regexRisk(source: string): string | undefined {
  // Escapes and character classes repeat nothing, so each becomes `_` before the others
  // are looked for. A back-reference is looked for in the source itself: `\\1` (a
  // backslash, then 1) is refused too, which is conservative and keeps this short.
  const s = source.replace(/\\[^]|\[(\\[^]|[^\]])*]/g, '_');
  const why = /\\[1-9k]/.test(source)
    ? 'a back-reference'
    : /\)[*+{]/.test(s)
      ? 'a repeated group'
      : s.split(/[*+]|\{\d+,/).length > 3 && 'over two unbounded repeats';
  // Worded for both the validators and the report at evaluation.
  return why ? 'unsafe regular expression (' + why + ')' : undefined;
}

function operator(op: string, a: any, e: any, s: Steps, r: Report): boolean {
  switch (op) {
    case '$eq': case '$ne': case '$lt': case '$lte': case '$gt': case '$gte':
      return rel(op.slice(1), a, e);
    case '$veq': case '$vne': case '$vlt': case '$vlte': case '$vgt': case '$vgte':
      return rel(op.slice(2), paddedVersion(a), paddedVersion(e));
    case '$exists':
      return e ? a != null : a == null;
    case '$in': case '$ini':
      return Array.isArray(e) && isIn(a, e, op == '$ini');
    case '$nin': case '$nini':
      return Array.isArray(e) && !isIn(a, e, op == '$nini');
    case '$all': case '$alli':
      return Array.isArray(e) && Array.isArray(a) &&
        e.every((x, i) => within(s, i, () => a.some((y) => value(x, y, s, r, op == '$alli'))));
    case '$elemMatch':
      // Null elements never match; falsy ones (0, '', false) are tested (spec 0.7).
      return Array.isArray(a) && a.some((y) => y != null && (isOps(e) ? value(e, y, s, r) : cond(y, e, s, r)));
    case '$size':
      return Array.isArray(a) && value(e, a.length, s, r);
    case '$not':
      return !value(e, a, s, r);
    case '$type':
      return type(a) === e;
    case '$regex': case '$regexi':
      try {
        const re = typeof e == 'string' && pattern(e, op == '$regexi' ? 'i' : '');
        // The attribute as a string, as GrowthBook's RegExp#test has it, cut to the limit;
        // a refused pattern is reported with its reason instead.
        return re instanceof RegExp ? re.test(String(a).slice(0, REGEX_INPUT_LIMIT)) : (re && r(re, s), false);
      } catch {
        return false;
      }
  }
  r('Unknown condition operator ' + op, s);
  return false;
}
