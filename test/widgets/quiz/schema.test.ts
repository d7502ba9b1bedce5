import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import vectors from '../../vectors/quiz-invalid.json';
import example from '../../../examples/product-finder.quiz.json';
import { applyEdits, type Edit } from './helpers';

type Any = any;
const read = (path: string) => readFileSync(resolve(__dirname, '../../..', path), 'utf8');
const schema = JSON.parse(read('schema/quiz.schema.json'));
const config = JSON.parse(read('schema/attune.config.schema.json'));

// A tiny JSON Schema (2020-12) checker for exactly the keywords the schema uses; it
// throws on any other keyword, so the schema cannot gain a constraint it ignores.
const ANNOTATIONS = new Set(['$schema', '$id', '$defs', 'title', 'description', 'default', 'format', 'then', 'else']);
const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
const isObject = (v: unknown): v is Record<string, unknown> => typeOf(v) == 'object';
const same = (a: unknown, b: unknown) => JSON.stringify(a) == JSON.stringify(b);

function valid(s: Any, v: Any): boolean {
  if (s === true || s === false) return s;
  return Object.keys(s).every((k) => {
    const x = s[k];
    switch (k) {
      case '$ref':
        return valid(schema.$defs[x.replace('#/$defs/', '')], v);
      case 'type':
        return [x].flat().some((t: string) => t == typeOf(v) || (t == 'number' && typeOf(v) == 'integer'));
      case 'enum':
        return x.some((e: unknown) => same(e, v));
      case 'const':
        return same(x, v);
      case 'pattern':
        return typeof v != 'string' || new RegExp(x, 'u').test(v);
      case 'minimum':
        return typeof v != 'number' || v >= x;
      case 'minItems':
        return !Array.isArray(v) || v.length >= x;
      case 'items':
        return !Array.isArray(v) || v.every((i) => valid(x, i));
      case 'minProperties':
        return !isObject(v) || Object.keys(v).length >= x;
      case 'required':
        return !isObject(v) || x.every((r: string) => r in v);
      case 'propertyNames':
        return !isObject(v) || Object.keys(v).every((n) => valid(x, n));
      case 'properties':
        return !isObject(v) || Object.keys(x).every((n) => !(n in v) || valid(x[n], v[n]));
      case 'patternProperties':
        return !isObject(v) || Object.keys(x).every((p) => Object.keys(v).every((n) => !new RegExp(p, 'u').test(n) || valid(x[p], v[n])));
      case 'additionalProperties':
        return (
          !isObject(v) ||
          Object.keys(v).every(
            (n) => (s.properties && n in s.properties) || Object.keys(s.patternProperties || {}).some((p) => new RegExp(p, 'u').test(n)) || valid(x, v[n]),
          )
        );
      case 'if':
        return valid(x, v) ? valid(s.then ?? true, v) : valid(s.else ?? true, v);
      case 'anyOf':
        return x.some((y: Any) => valid(y, v));
      case 'allOf':
        return x.every((y: Any) => valid(y, v));
      case 'not':
        return !valid(x, v);
      default:
        if (ANNOTATIONS.has(k)) return true;
        throw new Error(`the test's checker does not know the keyword ${k}`);
    }
  });
}

describe('schema/quiz.schema.json', () => {
  it('is JSON Schema 2020-12 with a description on every property, for editors', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://unpkg.com/attune/schema/quiz.schema.json');
    for (const name of ['question', 'option', 'rule', 'outcome', 'text', 'condition']) expect(schema.$defs[name].description, name).toMatch(/\w/);
    for (const [name, prop] of Object.entries<Any>(schema.$defs.question.properties)) expect(prop.description, name).toMatch(/\w/);
  });

  it('shares the condition language with the site config schema', () => {
    for (const name of ['value', 'operators']) expect(schema.$defs[name]).toEqual(config.$defs[name]);
    const { description: _a, ...condition } = schema.$defs.condition;
    const { description: _b, ...expected } = config.$defs.condition;
    expect(condition).toEqual(expected);
  });

  it('accepts the example quiz, which validateQuiz accepts too', () => {
    expect(example.$schema).toBe('../schema/quiz.schema.json');
    expect(valid(schema, example)).toBe(true);
    expect(validateQuiz(example).quiz).not.toBeNull();
    expect(validateQuiz(example).problems).toEqual([]);
  });

  it('accepts the vectors base quiz', () => {
    expect(valid(schema, vectors.base)).toBe(true);
  });

  it.each(vectors.cases.map((c) => [c.name, c] as const))('judges %s as the vector says', (_name, c) => {
    expect(valid(schema, applyEdits(vectors.base, c.edit as Edit[]))).toBe(!c.schemaRejects);
  });

  it('leaves to validateQuiz what only it can see, and catches the rest itself', () => {
    expect(vectors.cases.filter((c) => c.schemaRejects).length).toBeGreaterThanOrEqual(15);
    expect(vectors.cases.filter((c) => !c.schemaRejects).length).toBeGreaterThanOrEqual(10);
  });
});

describe('docs/quiz.md', () => {
  it('shows the example quiz exactly as tested', () => {
    const block = /```json\n([\s\S]*?)```/.exec(read('docs/quiz.md'));
    expect(JSON.parse(block![1])).toEqual(example);
  });
});
