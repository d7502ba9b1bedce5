import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaChecker } from '../../json-schema';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import vectors from '../../vectors/quiz-invalid.json';
import example from '../../../examples/product-finder.quiz.json';
import { applyEdits, type Edit } from './helpers';

type Any = any;
const read = (path: string) => readFileSync(resolve(__dirname, '../../..', path), 'utf8');
const schema = JSON.parse(read('schema/quiz.schema.json'));
const config = JSON.parse(read('schema/attune.config.schema.json'));

const valid = schemaChecker(schema);

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
