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
 *
 * A condition is compiled once into closures over its operands (operators.ts holds each
 * operator's part), then reused for the same object: a placement's `when` is walked
 * once per config, not once per decision.
 */
import { every, LOGIC, never, OPERATORS, type Compiler, type Report, type Steps, type Test } from './operators';
import { hasOwn } from '../core/own';

export { paddedVersion, TYPES } from './operators';
export { regexRisk, REGEX_INPUT_LIMIT } from './regex-risk';

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
 * test an attribute's value (operators.ts is the registry). Anything else is an unknown operator.
 */
export const KNOWN_OPERATORS: readonly string[] = [...Object.keys(LOGIC), ...Object.keys(OPERATORS).filter((k) => !hasOwn(LOGIC, k))];

/**
 * Whether `v` is a plain object (not null, not an array). Its fields are `any`: the
 * validators that share it read JSON whose shape they are checking field by field.
 */
export const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v == 'object' && !Array.isArray(v);

// An object is an operator object only if every key is an operator; a mixed one is a value.
const isOps = (v: unknown): v is Record<string, unknown> => {
  const keys = isObject(v) ? Object.keys(v) : [];
  return keys.length > 0 && keys.every((k) => k[0] == '$');
};

/** The JSON-path step for key `k`: `.name`, or `["my key"]` when it is not an identifier. */
export const seg = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? '.' + k : '[' + JSON.stringify(k) + ']');

const pathOf = (steps: Steps) => '$' + steps.map((k) => (typeof k == 'number' ? `[${k}]` : seg(k))).join('');

/** A compiled condition, and whether any clause of it can report (an unknown operator, a refused `$regex`). */
interface Compiled {
  test: Test;
  reports: boolean;
}

// Compiled forms by condition object. A WeakMap: a config's conditions are dropped with it.
const compiledConditions = new WeakMap<object, Compiled>();

/**
 * Whether `attributes` satisfy `condition`. Never throws: a comparison that makes
 * JavaScript throw is a false clause, and a cyclic condition is false as a whole.
 * An unknown operator, or a `$regex` that could backtrack catastrophically
 * ({@link regexRisk}), makes its clause false and is passed to `onUnknown` once per path
 * and call, when evaluation reaches it.
 * `$regex` and `$regexi` test the first {@link REGEX_INPUT_LIMIT} characters of a value.
 *
 * The first call with a condition object compiles it, and later calls with the same
 * object reuse that: **a condition must not be changed once evaluated** (nor the objects
 * and arrays inside it); a changed condition is a new object (`{ ...when, country: 'FR' }`).
 * `validateConfig` copies every condition it returns, so a config given again after an
 * edit is compiled again, and editing a config after giving it changes nothing.
 *
 * @example evalCondition({ country: { $in: ['DE', 'AT'] }, 'cart.total': { $gte: 50 } }, attrs)
 */
export function evalCondition(condition: Condition, attributes: unknown, onUnknown?: UnknownOperatorHandler): boolean {
  if (!isObject(condition)) return false;
  let compiled = compiledConditions.get(condition);
  if (!compiled) compiledConditions.set(condition, (compiled = compile(condition)));
  let report: Report | undefined;
  if (onUnknown && compiled.reports) {
    const seen = new Set<string>();
    report = (message, path) => {
      if (!seen.has(path)) {
        seen.add(path);
        onUnknown(`${message} (at ${path})`, path);
      }
    };
  }
  try {
    return compiled.test(attributes, report);
  } catch {
    // A getter or proxy in the attributes, or a handler that throws.
    return false;
  }
}

function compile(condition: Condition): Compiled {
  let reports = false;
  const compiler: Compiler = {
    value,
    condition: clauses,
    element: (e, at) => (isOps(e) ? value(e, at) : clauses(e, at)),
    refuse(message, at) {
      reports = true;
      const path = pathOf(at);
      return (_v, r) => (r && r(message, path), false);
    },
  };

  function clauses(c: unknown, at: Steps): Test {
    if (!isObject(c)) return never;
    return every(
      Object.keys(c).map((k) => {
        const step = [...at, k];
        const logic = hasOwn(LOGIC, k) && LOGIC[k];
        return logic ? logic.compile(c[k], step, compiler) : attribute(k, value(c[k], step));
      }),
    );
  }

  function value(c: unknown, at: Steps, fold?: boolean): Test {
    if (isOps(c))
      return every(
        Object.keys(c).map((op) => {
          const step = [...at, op];
          return hasOwn(OPERATORS, op) ? OPERATORS[op].compile(c[op], step, compiler) : compiler.refuse('Unknown condition operator ' + op, step);
        }),
      );
    return scalar(c, fold);
  }

  try {
    return { test: clauses(condition, []), reports };
  } catch {
    // Too deep to compile: a cyclic condition.
    return { test: never, reports: false };
  }
}

// Coercion can throw (an object with a `toString` key, a cyclic array); that clause is then
// false, but it must not take its `$not` or sibling `$or` branches down with it.
function scalar(c: unknown, fold?: boolean): Test {
  if (typeof c == 'string') {
    if (fold) {
      const folded = c.toLowerCase();
      return (v) => {
        try {
          return String(v).toLowerCase() === folded;
        } catch {
          return false;
        }
      };
    }
    return (v) => {
      if (typeof v == 'string') return v === c;
      try {
        return v + '' === c;
      } catch {
        return false;
      }
    };
  }
  if (typeof c == 'number')
    return (v) => {
      if (typeof v == 'number') return v === c;
      try {
        return v * 1 === c;
      } catch {
        return false;
      }
    };
  // A missing attribute is not `false`: `{ beta: false }` needs the attribute present.
  if (typeof c == 'boolean') return (v) => v !== null && !!v === c;
  if (c === null) return (v) => v === null;
  let json: string | undefined;
  try {
    json = JSON.stringify(c);
  } catch {
    return never;
  }
  return (v) => {
    try {
      return JSON.stringify(v) === json;
    } catch {
      return false;
    }
  };
}

// Reads a dot path, own properties only; a missing step reads as null.
function attribute(path: string, test: Test): Test {
  const parts = path.split('.');
  if (parts.length == 1) return (obj, r) => test(obj && typeof obj == 'object' && hasOwn(obj, path) ? obj[path] : null, r);
  return (obj, r) => {
    let cur = obj;
    for (let i = 0; i < parts.length; i++) {
      if (!cur || typeof cur != 'object' || !hasOwn(cur, parts[i])) return test(null, r);
      cur = cur[parts[i]];
    }
    return test(cur, r);
  };
}
