import { afterEach, describe, expect, it } from 'vitest';
import { cleanObject } from '../../src/core/clean';
import { copyJson, toJson } from '../../src/core/json';

// Prototype.js (still on many shops) defines Array#toJSON to return a string of JSON,
// which makes JSON.stringify write every array as a string.
const prototypeJsToJson = function (this: unknown[]) {
  return '[' + this.map((x) => JSON.stringify(x)).join(', ') + ']';
};
const undo: (() => void)[] = [];
afterEach(() => undo.splice(0).forEach((f) => f()));
const hostile = () => {
  (Array.prototype as unknown as Record<string, unknown>).toJSON = prototypeJsToJson;
  (Object.prototype as unknown as Record<string, unknown>).toJSON = function () {
    return 'hijacked';
  };
  undo.push(() => {
    delete (Array.prototype as unknown as Record<string, unknown>).toJSON;
    delete (Object.prototype as unknown as Record<string, unknown>).toJSON;
  });
};

describe('JSON a page cannot bend', () => {
  it('writes arrays and plain objects as they are under a Prototype.js-style toJSON', () => {
    hostile();
    const value = { batch: [{ tags: ['a', 'b'], n: 1 }], at: new Date(0) };
    expect(JSON.stringify(value)).not.toContain('"tags":["a","b"]');
    expect(toJson(value)).toBe('{"batch":[{"tags":["a","b"],"n":1}],"at":"1970-01-01T00:00:00.000Z"}');
    expect(copyJson({ list: [1, [2]] })).toEqual({ list: [1, [2]] });
  });

  it('cleans properties the same way, keeping real toJSON on dates and URLs', () => {
    hostile();
    const issues: string[] = [];
    const cleaned = cleanObject({ items: [1, 2], at: new Date(0), url: new URL('https://a.test/x') }, 'properties', issues);
    expect(cleaned).toEqual({ items: [1, 2], at: '1970-01-01T00:00:00.000Z', url: 'https://a.test/x' });
    expect(issues).toEqual([]);
  });
});
