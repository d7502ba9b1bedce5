// The operator registry (src/decide/operators.ts) drives evaluation and checking; the JSON
// schemas and the docs list operators by hand, so these tests hold them to the registry:
// adding an operator fails here until its schema entry and its mention in the docs exist.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOGIC, OPERATORS, TYPES } from '../../src/decide/operators';
import { evalCondition, KNOWN_OPERATORS } from '../../src/decide/condition';
import { checkCondition } from '../../src/decide/condition-check';

type Any = any;
const read = (file: string) => readFileSync(resolve(__dirname, '../..', file), 'utf8');
const SCHEMAS = ['schema/attune.config.schema.json', 'schema/quiz.schema.json'];

describe.each(SCHEMAS)('%s', (file) => {
  const defs = JSON.parse(read(file)).$defs;

  it('lists the registry: logic operators on conditions, the others on values, in its order', () => {
    expect(Object.keys(defs.condition.properties)).toEqual(Object.keys(LOGIC));
    expect(Object.keys(defs.operators.properties)).toEqual(Object.keys(OPERATORS));
  });

  it("gives each operand the shape the registry's checker expects", () => {
    for (const [op, { operand }] of Object.entries(OPERATORS)) {
      const s = defs.operators.properties[op];
      const shape = operand == 'list' ? s.type == 'array' : operand == 'element' ? s.type == 'object' : operand == 'regex' ? s.type == 'string' && s.format == 'regex' : operand == 'type' ? JSON.stringify(s.enum) == JSON.stringify(TYPES) : !('type' in s);
      expect(shape, `${op} (${operand}): ${JSON.stringify(s)}`).toBe(true);
    }
    for (const [op, { operand }] of Object.entries(LOGIC)) {
      const s = defs.condition.properties[op];
      expect(operand == 'conditions' ? s.type == 'array' && s.items.$ref == '#/$defs/condition' : s.$ref == '#/$defs/condition', op).toBe(true);
    }
  });
});

describe('docs/config.md', () => {
  it('names every operator in its list, and no other', () => {
    const text = read('docs/config.md');
    const from = text.indexOf('an object of operators applies them:');
    const list = text.slice(from, text.indexOf('around whole conditions.', from));
    expect(from).toBeGreaterThan(0);
    expect([...new Set(list.match(/\$\w+/g))].sort()).toEqual([...KNOWN_OPERATORS].sort());
  });
});

describe('the registry', () => {
  it('is what KNOWN_OPERATORS lists, $not once', () => {
    expect(KNOWN_OPERATORS).toEqual([...Object.keys(LOGIC), ...Object.keys(OPERATORS).filter((k) => k != '$not')]);
  });

  it('drives the checker: an operand of the wrong shape is a problem at its path', () => {
    const wrong: Record<string, unknown> = { list: 1, element: 1, type: 'int', regex: '(' };
    for (const [op, { operand }] of Object.entries(OPERATORS)) {
      if (!(operand in wrong)) continue;
      const problems: string[] = [];
      checkCondition({ a: { [op]: wrong[operand] } }, '$.when', (path, message) => problems.push(`${path}: ${message}`));
      expect(problems, op).toEqual([expect.stringMatching(new RegExp(`^\\$\\.when\\.a\\.\\${op}: `))]);
    }
  });

  it('drives evaluation: an entry added to it is an operator evalCondition runs', () => {
    const table = OPERATORS as Record<string, Any>;
    const heard: string[] = [];
    const before = evalCondition({ a: { $even: true } }, { a: 2 }, (m) => heard.push(m));
    table.$even = { operand: 'value', compile: (e: unknown) => (a: unknown) => (typeof a == 'number' && a % 2 == 0) === e };
    try {
      expect(before).toBe(false);
      expect(heard).toHaveLength(1);
      expect(evalCondition({ a: { $even: true } }, { a: 2 })).toBe(true);
      expect(evalCondition({ a: { $even: true } }, { a: 3 })).toBe(false);
      const problems: string[] = [];
      checkCondition({ a: { $even: true } }, '$', (path) => problems.push(path));
      expect(problems).toEqual([]);
    } finally {
      delete table.$even;
    }
  });
});
