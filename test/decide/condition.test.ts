import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { evalCondition, paddedVersion, type Condition } from '../../src/decide/condition';
import vectors from '../vectors/conditions.json';

// Our own language-neutral vectors, in GrowthBook's cases.json shape:
// [name, condition, attributes, expected]. Another port can run the same file.
type Vector = [string, Condition, Record<string, unknown>, boolean];

describe('evalCondition vectors', () => {
  it.each(vectors as Vector[])('%s', (_name, condition, attributes, expected) => {
    expect(evalCondition(condition, attributes)).toBe(expected);
  });
});

describe('unknown operators', () => {
  it('are false and reported once, naming the operator and its JSON path', () => {
    const onUnknown = vi.fn();
    const condition = { $and: [{ age: { $gte: 18 } }, { age: { $foo: 1 } }] };
    expect(evalCondition(condition, { age: 30 }, onUnknown)).toBe(false);
    expect(onUnknown).toHaveBeenCalledTimes(1);
    const [message, path] = onUnknown.mock.calls[0];
    expect(path).toBe('$.$and[1].age.$foo');
    expect(message).toContain('$foo');
    expect(message).toContain('$.$and[1].age.$foo');
  });

  it('are reported once per path even when met for every array element', () => {
    const onUnknown = vi.fn();
    const condition = { items: { $elemMatch: { price: { $around: 5 } } } };
    expect(evalCondition(condition, { items: [{ price: 1 }, { price: 2 }, { price: 3 }] }, onUnknown)).toBe(false);
    expect(onUnknown).toHaveBeenCalledTimes(1);
    expect(onUnknown.mock.calls[0][1]).toBe('$.items.$elemMatch.price.$around');
  });

  it('are reported separately at different paths, with awkward keys quoted', () => {
    const onUnknown = vi.fn();
    const condition = { $or: [{ 'cart.total': { $foo: 1 } }, { 'my key': { $all: [{ $bar: 1 }] } }] };
    expect(evalCondition(condition, { 'my key': [1] }, onUnknown)).toBe(false);
    expect(onUnknown.mock.calls.map((c) => c[1])).toEqual([
      '$.$or[0]["cart.total"].$foo',
      '$.$or[1]["my key"].$all[0].$bar',
    ]);
  });

  it('are not reported when a clause before them already failed', () => {
    const onUnknown = vi.fn();
    expect(evalCondition({ a: 1, b: { $foo: 1 } }, { a: 2 }, onUnknown)).toBe(false);
    expect(onUnknown).not.toHaveBeenCalled();
  });

  it('survive a handler that throws', () => {
    const boom = () => {
      throw new Error('handler failed');
    };
    expect(evalCondition({ a: { $foo: 1 } }, { a: 1 }, boom)).toBe(false);
  });
});

describe('robustness', () => {
  it('makes a clause JavaScript cannot compare false, without failing its $not or $or', () => {
    const trap = { toString: 1 }; // valid JSON, but `trap + ''` throws
    expect(evalCondition({ a: 'x' }, { a: trap })).toBe(false);
    expect(evalCondition({ $not: { a: 'x' } }, { a: trap })).toBe(true);
    expect(evalCondition({ $or: [{ a: { $lt: 5 } }, { b: 1 }] }, { a: trap, b: 1 })).toBe(true);
    expect(evalCondition({ a: { $gt: trap } }, { a: 1 })).toBe(false);
  });

  it('evaluates to false for inputs JavaScript cannot handle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(evalCondition({ self: { a: 1 } }, cyclic)).toBe(false);
    expect(evalCondition({ 'self.self.self': { $exists: true } }, cyclic)).toBe(true);
    expect(evalCondition(cyclic, {})).toBe(false);
    const loop: Record<string, unknown> = {};
    loop.$or = [{ a: 1 }, { $not: loop }];
    expect(evalCondition(loop, { a: 2 })).toBe(false);
    expect(evalCondition({ n: { $gt: 1 } }, { n: Symbol('s') })).toBe(false);
    expect(evalCondition({ n: { $in: [1] } }, { n: 10n })).toBe(false);
    expect(evalCondition({ n: 'x' }, { n: Object.create(null) })).toBe(false);
    expect(evalCondition(null as unknown as Condition, {})).toBe(false);
    expect(evalCondition([] as unknown as Condition, {})).toBe(false);
    expect(evalCondition({ a: 1 }, null)).toBe(false);
    expect(evalCondition({ a: null }, 'not an object')).toBe(true);
  });

  it('pads versions as GrowthBook does', () => {
    expect(paddedVersion('v1.2.3+build')).toBe('    1-    2-    3-~');
    expect(paddedVersion('1.0.0-rc.1')).toBe('    1-    0-    0-rc-    1');
    expect(paddedVersion(undefined)).toBe('    0');
  });
});

describe('compiled conditions', () => {
  // A condition whose clause counts how often its operand is read: compiling reads it, evaluating does not.
  const counted = () => {
    const reads = { n: 0 };
    const condition = {};
    Object.defineProperty(condition, 'age', { enumerable: true, get: () => (reads.n++, { $gte: 18 }) });
    return { condition, reads };
  };

  it('are compiled on first use and reused for the same object', () => {
    const { condition, reads } = counted();
    expect(evalCondition(condition, { age: 30 })).toBe(true);
    const once = reads.n;
    expect(once).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect(evalCondition(condition, { age: 10 + i })).toBe(false);
    expect(reads.n).toBe(once);
  });

  it('keep what they were when first evaluated: a changed condition is a new object', () => {
    const condition: Condition = { country: { $in: ['DE'] } };
    expect(evalCondition(condition, { country: 'FR' })).toBe(false);
    (condition.country as { $in: string[] }).$in.push('FR');
    condition.plan = 'gold';
    expect(evalCondition(condition, { country: 'FR', plan: 'gold' })).toBe(false);
    expect(evalCondition({ ...condition }, { country: 'FR', plan: 'gold' })).toBe(true);
  });

  it('report once per path and call, on every call that reaches the clause', () => {
    const condition = { $or: [{ a: { $foo: 1 } }, { a: { $foo: 1 }, b: { $regex: '(a+)+$' } }] };
    const heard: string[] = [];
    for (let i = 0; i < 2; i++) expect(evalCondition(condition, { a: 1 }, (_m, path) => heard.push(path))).toBe(false);
    expect(heard).toEqual(['$.$or[0].a.$foo', '$.$or[1].a.$foo', '$.$or[0].a.$foo', '$.$or[1].a.$foo']);
  });

  it('are false as a whole when cyclic, even where a branch before the cycle holds', () => {
    const loop: Record<string, unknown> = {};
    loop.$or = [{ a: 1 }, { $not: loop }];
    expect(evalCondition(loop, { a: 1 })).toBe(false);
    expect(evalCondition(loop, { a: 1 })).toBe(false);
  });

  it('run without eval or the Function constructor (strict CSP)', () => {
    const saved = { eval: globalThis.eval, Function: globalThis.Function };
    const refuse = () => {
      throw new EvalError('refused by CSP');
    };
    Object.assign(globalThis, { eval: refuse, Function: refuse });
    try {
      const condition = { $and: [{ 'cart.total': { $gte: 50 } }, { tags: { $elemMatch: { $regexi: '^SALE' } } }, { app: { $vgte: '1.2.0' } }] };
      expect(evalCondition(condition, { cart: { total: 60 }, tags: ['sale-20'], app: '1.10.0' })).toBe(true);
      expect(evalCondition(condition, { cart: { total: 60 }, tags: ['new'], app: '1.10.0' })).toBe(false);
    } finally {
      Object.assign(globalThis, saved);
    }
  });
});

// Random conditions drawn from the whole language, unknown operators and garbage included.
const keys = fc.constantFrom('a', 'b', 'a.b', 'a.0', 'c.d.e', '$x', '', 'toString', '__proto__');
const ops = fc.constantFrom(
  '$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$in', '$nin', '$ini', '$nini', '$all', '$alli',
  '$elemMatch', '$size', '$exists', '$type', '$regex', '$regexi', '$not',
  '$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte', '$foo', '$inGroup',
);
const scalar = fc.oneof(
  fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5 }), fc.double(), fc.boolean(), fc.constant(null),
  fc.constantFrom('(', '[a-', '1.2.3', 'v2.0.0-rc.1', 'string', 'array', 'null', 'object'),
);
const { condition } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    tie('operators'),
    tie('condition'),
  ),
  operators: fc.dictionary(ops, tie('value'), { maxKeys: 3 }),
  condition: fc.dictionary(
    fc.oneof(keys, fc.constantFrom('$and', '$or', '$nor', '$not')),
    fc.oneof(tie('value'), fc.array(tie('condition'), { maxLength: 3 })),
    { maxKeys: 3 },
  ),
}));
const attributes = fc.oneof(
  fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
  fc.anything({
    maxDepth: 3, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true,
    withNullPrototype: true, withObjectString: true, withTypedArray: true, withSparseArray: true,
  }),
);

describe('properties', () => {
  it('never throws and always returns a boolean', () => {
    fc.assert(
      fc.property(fc.anything(), condition, attributes, (junk, c, attrs) => {
        expect(typeof evalCondition(c as Condition, attrs, () => {})).toBe('boolean');
        expect(typeof evalCondition(junk as Condition, attrs)).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('$not and $nor of one condition negate it, and inputs are not mutated', () => {
    const json = fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
    fc.assert(
      fc.property(condition, json, (c, attrs) => {
        const before = JSON.stringify([c, attrs]);
        const plain = evalCondition(c as Condition, attrs);
        expect(evalCondition({ $not: c }, attrs)).toBe(!plain);
        expect(evalCondition({ $nor: [c] }, attrs)).toBe(!plain);
        expect(evalCondition({ $or: [c, c] }, attrs)).toBe(plain);
        expect(JSON.stringify([c, attrs])).toBe(before);
      }),
      { numRuns: 1500 },
    );
  });
});
