/**
 * The condition operators, one registry: each entry says how its operand is checked at
 * the door (`checkCondition`) and compiles it into a test (`evalCondition`). The JSON
 * schemas' operator lists and the docs' are tested against it (test/decide/registries.test.ts),
 * so a new operator is one entry here, and those tests say what else to write.
 *
 * A compiled test is a plain closure over the operand: nothing is evaluated as code, so
 * strict CSP and Trusted Types keep working. Semantics are GrowthBook's (see condition.ts).
 */
import { regexRisk, REGEX_INPUT_LIMIT } from './regex-risk';

/** The keys and indexes from a condition's root to a clause, for its JSON path. */
export type Steps = readonly (string | number)[];

/** Hears a clause that cannot run, with its JSON path; deduplicated per evaluation by the caller. */
export type Report = (message: string, path: string) => void;

/** A compiled clause: whether `v` (an attribute's value, or the attributes) passes. */
export type Test = (v: any, r?: Report) => boolean;

/** What an operator's `compile` may build its operand with (condition.ts provides it). */
export interface Compiler {
  /** A value: a plain value compared with the attribute, or an object of operators. `fold`: strings ignore case. */
  value(operand: unknown, at: Steps, fold?: boolean): Test;
  /** A whole condition, tested against an object (an array element, or the attributes). */
  condition(operand: unknown, at: Steps): Test;
  /** `$elemMatch`'s operand: operators on the element itself, or a condition on its fields. */
  element(operand: unknown, at: Steps): Test;
  /** A clause that cannot run: it reports `message` at its path and fails. */
  refuse(message: string, at: Steps): Test;
}

/**
 * How `checkCondition` checks an operand: `value` (a value, or operators, whose strings may
 * name segments), `length` (the same, never a segment name), `list` (an array of values),
 * `element` (`$elemMatch`'s operators or condition), `type` (one of {@link TYPES}),
 * `regex` (a pattern that compiles and is safe), `conditions` (an array of conditions),
 * `condition` (one condition).
 */
export type OperandKind = 'value' | 'length' | 'list' | 'element' | 'type' | 'regex' | 'conditions' | 'condition';

/** One operator: how its operand is checked and how it is compiled. */
export interface Operator {
  operand: OperandKind;
  compile(operand: any, at: Steps, c: Compiler): Test;
}

/** The types `$type` names. */
export const TYPES: readonly string[] = 'string number boolean object array null undefined'.split(' ');

/** The test that always fails: a malformed operand (`$in: 1`) rather than what JavaScript does with it. */
export const never: Test = () => false;

// Whether some element passes, skipping holes as Array#some does, without a closure per call.
function some(a: any[], t: Test, r?: Report): boolean {
  for (let i = 0; i < a.length; i++) if (i in a && t(a[i], r)) return true;
  return false;
}

// An array attribute matches if any of its elements is in the list (intersection). Holes in
// the list read as undefined, as Array#includes has them; a Set tests the same way (SameValueZero).
function membership(list: unknown, fold: boolean, negate: boolean): Test {
  if (!Array.isArray(list)) return never;
  const lower = (x: unknown) => (typeof x == 'string' ? x.toLowerCase() : x);
  const items = fold ? Array.from(list, lower) : Array.from(list);
  const set = items.length > 8 ? new Set(items) : null;
  const has: (x: unknown) => boolean = set
    ? fold ? (x) => set.has(lower(x)) : (x) => set.has(x)
    : fold ? (x) => items.includes(lower(x)) : (x) => items.includes(x);
  return (a) => (Array.isArray(a) ? a.some(has) : has(a)) != negate;
}

function type(v: unknown): string {
  const t = typeof v;
  // typeof never says 'null' or 'array', so the list tells the rest from 'bigint' and the like.
  return v === null ? 'null' : Array.isArray(v) ? 'array' : TYPES.includes(t) ? t : 'unknown';
}

// Padded versions of attribute values, kept since the same few come back on every decision:
// a bounded map (the operands are padded once, when compiled).
const versions = new Map<string, string>();
const padded = (s: string): string => {
  let x = versions.get(s);
  if (x === undefined) {
    const parts = s.replace(/^v|\+.*$/g, '').split(/[-.]/);
    if (parts.length == 3) parts.push('~');
    x = parts.map((p) => (/^\d+$/.test(p) ? p.padStart(5, ' ') : p)).join('-');
    if (versions.size > 200) versions.clear();
    versions.set(s, x);
  }
  return x;
};

/**
 * GrowthBook's `paddedVersionString`: drops a leading `v` and `+build`, splits on
 * `.` and `-`, left-pads numeric parts so plain string order is version order, and
 * appends `~` to a bare `x.y.z` so a release sorts after its pre-releases.
 */
export function paddedVersion(v: unknown): string {
  return padded(typeof v == 'number' ? v + '' : v && typeof v == 'string' ? v : '0');
}

// One closure per relation with nothing called inside: comparisons are the hot path, and a
// shared wrapper would make every one an indirect call. Ordering may make JavaScript throw
// (an object whose `toString` is not a function): a false clause.
function relation(o: string, e: any): Test {
  if (o == 'eq') return (a) => a === e;
  if (o == 'ne') return (a) => a !== e;
  if (o == 'lt')
    return (a) => {
      try {
        return a < e;
      } catch {
        return false;
      }
    };
  if (o == 'lte')
    return (a) => {
      try {
        return a <= e;
      } catch {
        return false;
      }
    };
  if (o == 'gt')
    return (a) => {
      try {
        return a > e;
      } catch {
        return false;
      }
    };
  return (a) => {
    try {
      return a >= e;
    } catch {
      return false;
    }
  };
}
const compare = (o: string): Operator => ({ operand: 'value', compile: (e) => relation(o, e) });
const version = (o: string): Operator => ({
  operand: 'value',
  compile: (e) => {
    const test = relation(o, paddedVersion(e));
    // The same attribute value comes back call after call: its padding is kept.
    let last: unknown;
    let lastPadded = paddedVersion(undefined);
    return (a) => {
      if (a !== last) lastPadded = paddedVersion((last = a));
      return test(lastPadded);
    };
  },
});
const list = (fold: boolean, negate: boolean): Operator => ({ operand: 'list', compile: (e) => membership(e, fold, negate) });
const all = (fold: boolean): Operator => ({
  operand: 'list',
  compile: (e, at, c) => {
    if (!Array.isArray(e)) return never;
    const tests: Test[] = [];
    // forEach skips holes, as Array#every does.
    e.forEach((x, i) => tests.push(c.value(x, [...at, i], fold)));
    return (a, r) => {
      if (!Array.isArray(a)) return false;
      for (const t of tests) if (!some(a, t, r)) return false;
      return true;
    };
  },
});
const regex = (flags: string): Operator => ({
  operand: 'regex',
  compile: (e, at, c) => {
    if (typeof e != 'string') return never;
    // A pattern regexRisk refuses is judged once and never compiled, let alone run.
    const risk = regexRisk(e);
    if (risk) return c.refuse(risk, at);
    let re: RegExp;
    try {
      re = new RegExp(e, flags);
    } catch {
      return never;
    }
    // The attribute as a string, as GrowthBook's RegExp#test has it, cut to the limit.
    return (a) => {
      try {
        const text = typeof a == 'string' ? a : String(a);
        return re.test(text.length > REGEX_INPUT_LIMIT ? text.slice(0, REGEX_INPUT_LIMIT) : text);
      } catch {
        return false;
      }
    };
  },
});

/**
 * The operators that test an attribute's value, in the order the docs list them. `$not`
 * is here too: inside an attribute's operators it negates a value.
 */
export const OPERATORS: Readonly<Record<string, Operator>> = {
  $eq: compare('eq'),
  $ne: compare('ne'),
  $lt: compare('lt'),
  $lte: compare('lte'),
  $gt: compare('gt'),
  $gte: compare('gte'),
  $veq: version('eq'),
  $vne: version('ne'),
  $vlt: version('lt'),
  $vlte: version('lte'),
  $vgt: version('gt'),
  $vgte: version('gte'),
  $exists: { operand: 'value', compile: (e) => (e ? (a) => a != null : (a) => a == null) },
  $in: list(false, false),
  $ini: list(true, false),
  $nin: list(false, true),
  $nini: list(true, true),
  $all: all(false),
  $alli: all(true),
  $elemMatch: {
    operand: 'element',
    compile: (e, at, c) => {
      const t = c.element(e, at);
      // Null elements never match; falsy ones (0, '', false) are tested (spec 0.7).
      const element: Test = (y, r) => y != null && t(y, r);
      return (a, r) => Array.isArray(a) && some(a, element, r);
    },
  },
  $size: {
    operand: 'length',
    compile: (e, at, c) => {
      const t = c.value(e, at);
      return (a, r) => Array.isArray(a) && t(a.length, r);
    },
  },
  $type: { operand: 'type', compile: (e) => (a) => type(a) === e },
  $regex: regex(''),
  $regexi: regex('i'),
  $not: {
    operand: 'value',
    compile: (e, at, c) => {
      const t = c.value(e, at);
      return (a, r) => !t(a, r);
    },
  },
};

// Small counts get their own closure, the common case; `any` passes when one test does.
/** Every test of `tests` passes, in order, stopping at the first that fails. */
export const every = (tests: Test[]): Test =>
  !tests.length ? () => true : tests.length == 1 ? tests[0] : (v, r) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](v, r)) return false;
    return true;
  };
const any = (tests: Test[]): Test => (v, r) => {
  for (let i = 0; i < tests.length; i++) if (tests[i](v, r)) return true;
  return false;
};

/** Every element of `operand` compiled as a condition at its index, holes skipped as Array#every does. */
const conditions = (operand: unknown[], at: Steps, c: Compiler): Test[] => {
  const tests: Test[] = [];
  operand.forEach((x, i) => tests.push(c.condition(x, [...at, i])));
  return tests;
};

/**
 * The operators that join or negate whole conditions. An empty `$or` passes, so an
 * empty `$nor` fails: GrowthBook defines `$nor` as not-`$or`.
 */
export const LOGIC: Readonly<Record<string, Operator>> = {
  $and: { operand: 'conditions', compile: (e, at, c) => (Array.isArray(e) ? every(conditions(e, at, c)) : never) },
  $or: { operand: 'conditions', compile: (e, at, c) => (!Array.isArray(e) ? never : !e.length ? () => true : any(conditions(e, at, c))) },
  $nor: {
    operand: 'conditions',
    compile: (e, at, c) => {
      if (!Array.isArray(e) || !e.length) return never;
      const t = any(conditions(e, at, c));
      return (v, r) => !t(v, r);
    },
  },
  $not: {
    operand: 'condition',
    compile: (e, at, c) => {
      if (!e || typeof e != 'object' || Array.isArray(e)) return never;
      const t = c.condition(e, at);
      return (v, r) => !t(v, r);
    },
  },
};
