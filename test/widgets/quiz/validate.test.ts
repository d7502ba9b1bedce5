import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import vectors from '../../vectors/quiz-invalid.json';
import example from '../../../examples/product-finder.quiz.json';
import { applyEdits, type Edit } from './helpers';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));
const brief = (json: unknown) =>
  validateQuiz(json)
    .problems.map((p) => `${p.path} ${p.severity}`)
    .sort();

describe('validateQuiz', () => {
  it('accepts the base quiz of the vectors and the example, without a problem', () => {
    expect(validateQuiz(clone(vectors.base)).problems).toEqual([]);
    expect(validateQuiz(clone(example)).problems).toEqual([]);
    expect(validateQuiz(clone(example)).quiz).toEqual(example);
  });

  it('has at least 20 distinct broken quizzes', () => {
    expect(new Set(vectors.cases.map((c) => c.name)).size).toBe(vectors.cases.length);
    expect(vectors.cases.filter((c) => c.problems.some(([, s]) => s == 'error')).length).toBeGreaterThanOrEqual(20);
  });

  it.each(vectors.cases.map((c) => [c.name, c] as const))('reports %s at its exact JSON path', (_name, c) => {
    const quiz = applyEdits(vectors.base, c.edit as Edit[]);
    const result = validateQuiz(quiz);
    expect(brief(quiz)).toEqual(c.problems.map(([p, s]) => `${p} ${s}`).sort());
    expect(result.quiz === null).toBe(c.problems.some(([, s]) => s == 'error'));
    for (const p of result.problems) expect(p.message).toMatch(/\w{3}/);
  });

  it('names what is wrong in its messages', () => {
    const quiz: any = clone(vectors.base);
    quiz.questions[0].next[0].goto = 'color';
    quiz.questions[1].id = 'use';
    quiz.outcomes[0].when = { x: { $around: 1 } };
    const messages = validateQuiz(quiz).problems.map((p) => p.message);
    expect(messages).toEqual(expect.arrayContaining(['unknown question "color"', 'duplicate "use"', 'unknown operator $around']));
  });

  it('returns a copy, so later changes to the input do not reach a running quiz', () => {
    const quiz: any = clone(vectors.base);
    const valid = validateQuiz(quiz).quiz!;
    quiz.questions[0].title = 'changed';
    expect(valid.questions[0].title).toEqual(vectors.base.questions[0].title);
  });

  it('reports hostile input instead of throwing', () => {
    const getter = clone(vectors.base) as any;
    Object.defineProperty(getter.questions[1], 'title', { enumerable: true, get: () => { throw new Error('boom'); } });
    const cyclic = clone(vectors.base) as any;
    cyclic.outcomes[2].traits = { self: cyclic };
    for (const quiz of [getter, cyclic]) {
      const { quiz: valid, problems } = validateQuiz(quiz);
      expect(valid).toBeNull();
      expect(problems.some((p) => p.path == '$' && p.severity == 'error')).toBe(true);
    }
  });

  it('never throws, and returns a quiz exactly when there is no error', () => {
    const junk = fc.anything({ maxDepth: 3 });
    const mutated = fc
      .tuple(fc.constantFrom('id', 'questions.0', 'questions.1.options', 'questions.0.next', 'outcomes.0.when', 'outcomes', 'questions.2.options.0.image'), junk)
      .map(([path, value]) => applyEdits(vectors.base, [[path, value]]));
    fc.assert(
      fc.property(fc.oneof(junk, mutated), (json) => {
        const { quiz, problems } = validateQuiz(json);
        expect(quiz === null).toBe(problems.some((p) => p.severity == 'error'));
        for (const p of problems) expect(p.path).toMatch(/^\$/);
      }),
      { numRuns: 300 },
    );
  });
});
