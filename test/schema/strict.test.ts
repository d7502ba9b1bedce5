// @vitest-environment node
// The published schemas as a designer's tools read them: Ajv in strict mode (which
// refuses keywords it does not know, `required` naming undeclared properties and
// other silent mistakes) accepts each, the examples validate, and a typo'd operator
// gets an error naming it, not a "must NOT be valid" from a `not` or `oneOf`.
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const FILES = readdirSync(join(ROOT, 'schema')).filter((f) => f.endsWith('.schema.json'));

// `format: "regex"` is checked as JavaScript reads a pattern; Ajv strict wants every format defined.
const regex = (s: string) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
};
const compile = (file: string) => new Ajv2020({ strict: true, allErrors: true, formats: { regex } }).compile(JSON.parse(read(`schema/${file}`)));
const config = compile('attune.config.schema.json');
const quiz = compile('quiz.schema.json');
const errorsOf = (validate: typeof config, value: unknown) => (validate(value), (validate.errors ?? []) as ErrorObject[]);
// What a person reads: the errors other than the `if` that only says which branch failed.
const told = (errors: ErrorObject[]) => errors.filter((e) => e.keyword !== 'if').map((e) => ({ at: e.instancePath, keyword: e.keyword, message: e.message, params: e.params }));

const inlineConfig = () => JSON.parse(/<script type="application\/json" data-attune-config>([\s\S]*?)<\/script>/.exec(read('examples/index.html'))![1]);
const firstJsonBlock = (doc: string) => JSON.parse(/```json\n([\s\S]*?)```/.exec(read(doc))![1]);
const placement = (when: unknown) => ({ placements: [{ id: 'hero', slot: 'hero', variants: [{ id: 'a' }, { id: 'b', when }] }] });
const quizWith = (when: unknown) => ({
  id: 'q',
  questions: [{ id: 'size', type: 'single', title: 'Size?', options: [{ value: 's', label: 'S' }, { value: 'l', label: 'L' }] }],
  outcomes: [{ id: 'small', title: 'Small', when }, { id: 'other', title: 'Other' }],
});

describe('the schemas under Ajv strict', () => {
  it.each(FILES)('accepts %s, whose $id ends with the path it is exported and served at', (file) => {
    expect(() => compile(file)).not.toThrow();
    const schema = JSON.parse(read(`schema/${file}`));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`https://unpkg.com/attune/schema/${file}`);
  });

  it.each([
    ['the demo shop’s inline config (examples/index.html)', () => errorsOf(config, inlineConfig())],
    ['the config vector (test/vectors/configs/home.json)', () => errorsOf(config, JSON.parse(read('test/vectors/configs/home.json')))],
    ['docs/config.md’s example', () => errorsOf(config, firstJsonBlock('docs/config.md'))],
    ['the product finder (examples/product-finder.quiz.json)', () => errorsOf(quiz, JSON.parse(read('examples/product-finder.quiz.json')))],
    ['docs/quiz.md’s example', () => errorsOf(quiz, firstJsonBlock('docs/quiz.md'))],
  ])('validates %s', (_name, errors) => {
    expect(errors()).toEqual([]);
  });

  it('names a typo’d operator in a config, at its path', () => {
    expect(told(errorsOf(config, placement({ 'orders.count': { $gtee: 3 } })))).toEqual([
      { at: '/placements/0/variants/1/when/orders.count', keyword: 'additionalProperties', message: 'must NOT have additional properties', params: { additionalProperty: '$gtee' } },
    ]);
  });

  it('names a typo’d operator in a quiz condition, and inside $not and $elemMatch', () => {
    expect(told(errorsOf(quiz, quizWith({ 'answers.size': { $eqq: 's' } })))).toEqual([
      { at: '/outcomes/0/when/answers.size', keyword: 'additionalProperties', message: 'must NOT have additional properties', params: { additionalProperty: '$eqq' } },
    ]);
    expect(told(errorsOf(config, placement({ tags: { $not: { $inn: ['x'] } } })))).toEqual([
      { at: '/placements/0/variants/1/when/tags/$not', keyword: 'additionalProperties', message: 'must NOT have additional properties', params: { additionalProperty: '$inn' } },
    ]);
    expect(told(errorsOf(config, placement({ items: { $elemMatch: { price: { $gtt: 5 } } } })))).toEqual([
      { at: '/placements/0/variants/1/when/items/$elemMatch/price', keyword: 'additionalProperties', message: 'must NOT have additional properties', params: { additionalProperty: '$gtt' } },
    ]);
  });

  it('refuses a typo’d logical operator by listing the four there are', () => {
    const errors = errorsOf(config, placement({ $orr: [{ a: 1 }] }));
    expect(told(errors)).toContainEqual({ at: '/placements/0/variants/1/when', keyword: 'enum', message: 'must be equal to one of the allowed values', params: { allowedValues: ['$and', '$or', '$nor', '$not'] } });
    expect(errors.find((e) => e.keyword === 'propertyNames')?.params).toEqual({ propertyName: '$orr' });
  });

  it('says "must NOT be valid" or "exactly one schema" nowhere, for mistakes a designer makes', () => {
    const mistakes: [typeof config, unknown][] = [
      [config, placement({ age: { $gtee: 3 } })],
      [config, placement({ age: { $gt: 1, b: 2 } })],
      [config, placement({ $where: 'x' })],
      [config, { segments: { '*': { when: {} } }, placements: [] }],
      [config, { placements: [{ id: 'h', variants: [{ id: 'a', content: { template: 'x', quiz: 'q' } }] }] }],
      [config, { placements: [{ id: 'h', variants: [{ id: 'a', content: { ops: [{ selector: 'p', text: 'a', hide: true }] } }] }] }],
      [quiz, quizWith({ 'answers.size': { $regexx: 's' } })],
      [quiz, { ...quizWith(undefined), questions: [{ id: 'end', type: 'text', title: 'T' }] }],
      [quiz, { ...quizWith(undefined), questions: [{ id: 'e', type: 'email', title: 'Mail?' }] }],
    ];
    for (const [validate, value] of mistakes) {
      const errors = errorsOf(validate, value);
      expect(errors.length, JSON.stringify(value)).toBeGreaterThan(0);
      for (const e of errors) expect(e.message, JSON.stringify(value)).not.toMatch(/must NOT be valid|exactly one schema|boolean schema is false/);
    }
  });

  it('refuses a slot beside a selector at the slot itself', () => {
    // A `false` schema: Ajv says "boolean schema is false", at the key that must go.
    const errors = errorsOf(config, { placements: [{ id: 'h', selector: '#h', slot: 'h', variants: [{ id: 'a' }] }] });
    expect(errors.map((e) => [e.instancePath, e.keyword])).toEqual([['/placements/0/slot', 'false schema']]);
  });
});

describe('the $schema values the docs show', () => {
  const docs = ['README.md', 'server/README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)];
  const values = docs.flatMap((doc) => [...read(doc).matchAll(/"\$schema":\s*"([^"]+)"/g)].map((m) => [doc, m[1]] as const));
  const exported = JSON.parse(read('package.json')).exports['./schema/*'];

  it('are the package’s copy, the collector’s, or (in the repository’s own examples) the path from examples/', () => {
    expect(values.length).toBeGreaterThanOrEqual(6);
    expect(exported).toBe('./schema/*');
    for (const [doc, value] of values) {
      const m = /^(?:\.\/node_modules\/attune\/schema\/|http:\/\/127\.0\.0\.1:8787\/schema\/|\.\.\/schema\/)([^/]+)$/.exec(value);
      expect(m, `${doc}: ${value}`).not.toBeNull();
      expect(FILES, `${doc}: ${value}`).toContain(m![1]);
    }
    // Both working forms are shown for the config and the quiz.
    for (const file of ['attune.config.schema.json', 'quiz.schema.json']) {
      expect(values.map(([, v]) => v)).toEqual(expect.arrayContaining([`./node_modules/attune/schema/${file}`, `http://127.0.0.1:8787/schema/${file}`]));
    }
  });
});
