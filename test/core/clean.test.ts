import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanObject } from '../../src/core/clean';

describe('cleanObject', () => {
  it('keeps plain JSON as it is', () => {
    const issues: string[] = [];
    const value = { a: 1, b: 'x', c: [true, null, { d: 2.5 }], e: { f: [] } };
    expect(cleanObject(value, 'properties', issues)).toEqual(value);
    expect(issues).toEqual([]);
  });

  it('drops functions and symbols, naming each path', () => {
    const issues: string[] = [];
    const out = cleanObject({ ok: 1, fn: () => 1, nested: { sym: Symbol('s') }, list: [() => 2] }, 'properties', issues);
    expect(out).toEqual({ ok: 1, nested: {}, list: [null] });
    expect(issues).toEqual(['properties.fn (function dropped)', 'properties.nested.sym (symbol dropped)', 'properties.list[0] (function dropped)']);
  });

  it('turns BigInt into a string and non-finite numbers into null', () => {
    const issues: string[] = [];
    expect(cleanObject({ big: 10n ** 20n, nan: NaN, inf: -Infinity }, 'p', issues)).toEqual({
      big: '100000000000000000000',
      nan: null,
      inf: null,
    });
    expect(issues).toEqual(['p.big (bigint → string)', 'p.nan (NaN → null)', 'p.inf (-Infinity → null)']);
  });

  it('drops circular references instead of failing', () => {
    const issues: string[] = [];
    const value: Record<string, unknown> = { name: 'loop' };
    value.self = value;
    value.child = { parent: value };
    expect(cleanObject(value, 'properties', issues)).toEqual({ name: 'loop', child: {} });
    expect(issues).toEqual(['properties.self (repeat or cycle dropped)', 'properties.child.parent (repeat or cycle dropped)']);
  });

  it('drops DOM nodes', () => {
    const issues: string[] = [];
    const button = document.createElement('button');
    expect(cleanObject({ target: button, label: 'Buy' }, 'properties', issues)).toEqual({ label: 'Buy' });
    expect(issues).toEqual(['properties.target (DOM node dropped)']);
  });

  it('serialises Dates and URLs the way JSON does', () => {
    const issues: string[] = [];
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(cleanObject({ at, url: new URL('https://example.com/a') }, 'p', issues)).toEqual({
      at: '2026-01-02T03:04:05.000Z',
      url: 'https://example.com/a',
    });
    expect(issues).toEqual([]);
  });

  it('refuses anything but a plain object, and takes null and undefined as empty', () => {
    for (const bad of ['text', 42, [1, 2], true]) {
      const issues: string[] = [];
      expect(cleanObject(bad, 'properties', issues)).toEqual({});
      expect(issues).toEqual(['properties (not an object, ignored)']);
    }
    const issues: string[] = [];
    expect(cleanObject(undefined, 'properties', issues)).toEqual({});
    expect(cleanObject(null, 'properties', issues)).toEqual({});
    expect(issues).toEqual([]);
  });

  it('never throws, and always returns what JSON round-trips unchanged', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }), (value) => {
        const out = cleanObject({ value }, 'p', []);
        expect(JSON.parse(JSON.stringify(out))).toEqual(out);
      }),
      { numRuns: 500 },
    );
  });
});
