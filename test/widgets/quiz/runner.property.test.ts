import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createQuizRunner } from '../../../src/widgets/quiz/runner';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import type { QuizRunner } from '../../../src/widgets/quiz/types';

const TYPES = ['single', 'multiple', 'scale', 'image', 'text', 'number', 'email'] as const;
const VALUES = ['a', 'b', 'c'];
const TAGS = ['t1', 't2'];

// Conditions over what the generated quizzes can produce, so branches and outcomes are taken.
const condition = (qids: string[]) =>
  fc.oneof(
    fc.record({ q: fc.constantFrom(...qids), v: fc.constantFrom(...VALUES) }).map(({ q, v }) => ({ [`answers.${q}`]: { $in: [v] } })),
    fc.record({ d: fc.constantFrom('x', 'y'), n: fc.integer({ min: -2, max: 4 }) }).map(({ d, n }) => ({ [`scores.${d}`]: { $gte: n } })),
    fc.constantFrom(...TAGS).map((t) => ({ tags: { $elemMatch: { $eq: t } } })),
    fc.constantFrom(...qids).map((q) => ({ [`answers.${q}`]: { $exists: true } })),
  );

const option = (value: string, image: boolean) =>
  fc
    .record({
      scores: fc.dictionary(fc.constantFrom('x', 'y'), fc.integer({ min: -2, max: 3 }), { maxKeys: 2 }),
      tags: fc.subarray(TAGS),
      products: fc.subarray(['p1', 'p2', 'p3']),
    })
    .map((o) => ({ value, label: { en: value.toUpperCase(), uk: value }, ...(image ? { image: { src: `/${value}.png`, alt: value } } : {}), ...o }));

// Valid quizzes by construction: unique ids, rules that only go forward (or to the end)
// and only on a condition, so every question stays reachable, and a fallback outcome.
const quiz = fc.integer({ min: 1, max: 6 }).chain((n) => {
  const qids = Array.from({ length: n }, (_, i) => 'q' + i);
  const question = (id: string, i: number) =>
    fc.constantFrom(...TYPES).chain((type) =>
      fc
        .record({
          options: fc.integer({ min: 1, max: 3 }).chain((k) => fc.tuple(...VALUES.slice(0, k).map((v) => option(v, type == 'image')))),
          optional: fc.boolean(),
          range: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
          visibleIf: fc.option(condition(qids), { freq: 3 }),
          next: fc.array(fc.record({ when: condition(qids), goto: fc.constantFrom(...qids.slice(i + 1), 'end') }), { maxLength: 2 }),
        })
        .map(({ options, optional, range, visibleIf, next }) => {
          const [lo, hi] = range[0] <= range[1] ? range : [range[1], range[0]];
          const q: any = { id, type, title: { en: `Question ${id}` }, optional, next };
          if (visibleIf) q.visibleIf = visibleIf;
          if (type == 'single' || type == 'multiple' || type == 'image') q.options = options;
          if (type == 'multiple') Object.assign(q, { min: Math.min(lo, options.length), max: Math.min(Math.max(hi, 1), options.length) });
          if (type == 'scale') Object.assign(q, { min: lo, max: lo + hi + 1, score: 'x' });
          if (type == 'number') Object.assign(q, { min: -lo, max: hi });
          if (type == 'email') q.consent = 'OK';
          return q;
        }),
    );
  const outcome = (id: string) => fc.record({ when: condition(qids), products: fc.subarray(['p1', 'p4']) }).map((o) => ({ id, title: id, ...o, traits: { quizOutcome: id } }));
  return fc.record({
    id: fc.constant('generated'),
    questions: fc.tuple(...qids.map(question)),
    outcomes: fc.tuple(outcome('o1'), outcome('o2')).map((os) => [...os, { id: 'fallback', title: 'Fallback' }]),
  });
});

// Answers a visitor (or a buggy host) might give: mostly fitting ones, and junk.
const value = fc.oneof(
  fc.constantFrom(...VALUES),
  fc.subarray(VALUES),
  fc.integer({ min: -2, max: 6 }),
  fc.constantFrom('', null, 'hello', '  ', 'a@b.co', { email: 'a@b.co', consent: true }, { email: 'a@b.co', consent: false }, NaN, Infinity),
  fc.anything({ maxDepth: 1 }),
);
const command = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('answer' as const), q: fc.oneof(fc.nat(7), fc.constant(-1)), value }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('answer-current' as const), value }), weight: 4 },
  { arbitrary: fc.constant({ op: 'next' as const }), weight: 4 },
  { arbitrary: fc.constant({ op: 'back' as const }), weight: 2 },
  { arbitrary: fc.constant({ op: 'resume' as const }), weight: 1 },
);

const invariant = (r: QuizRunner, dead: string[]) => {
  const q = r.current();
  const result = r.result();
  // The outcome analysis never calls a reachable outcome dead.
  if (result) expect(dead).not.toContain(result.outcome.id);
  // Exactly one: at a question, or finished with a result.
  expect(q === null).toBe(result !== null);
  if (q) expect(r.quiz.questions).toContain(q);
  if (result) expect(r.quiz.outcomes).toContain(result.outcome);
  const { index, total, answered } = r.progress();
  expect(0 <= answered && answered <= index + 1 && index <= total && total <= r.quiz.questions.length).toBe(true);
  const state = r.state();
  expect(JSON.parse(JSON.stringify(state))).toEqual(state);
};

describe('createQuizRunner, for any valid quiz and any calls', () => {
  it('generates only quizzes validateQuiz accepts, warning at most of outcomes no answers reach', () => {
    fc.assert(
      fc.property(quiz, (q) => {
        const { quiz: valid, problems } = validateQuiz(q);
        expect(valid).not.toBeNull();
        for (const p of problems) expect(p.path).toMatch(/^\$\.outcomes\[[01]\]\.when$/);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws, and is always at a question or has a result', () => {
    fc.assert(
      fc.property(quiz, fc.array(command, { maxLength: 40 }), fc.constantFrom('', 'uk-UA', 'en'), (q, commands, locale) => {
        const { quiz: valid, problems } = validateQuiz(q);
        const dead = problems.map((p) => q.outcomes[+/\d/.exec(p.path)![0]].id);
        let r = createQuizRunner(valid!, { locale });
        invariant(r, dead);
        for (const c of commands) {
          if (c.op == 'answer') r.answer(c.q < 0 ? 'nope' : valid!.questions[c.q % valid!.questions.length].id, c.value as never);
          else if (c.op == 'answer-current') r.answer(r.current()?.id ?? 'q0', c.value as never);
          else if (c.op == 'next') r.next();
          else if (c.op == 'back') r.back();
          else {
            const before = r.state();
            r = createQuizRunner(valid!, { locale, resume: JSON.parse(JSON.stringify(before)) });
            // What was saved comes back as it was.
            expect(r.state()).toEqual(before);
          }
          invariant(r, dead);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finishes every quiz when each question gets a fitting answer', () => {
    fc.assert(
      fc.property(quiz, (q) => {
        const r = createQuizRunner(validateQuiz(q).quiz!);
        for (let steps = 0; r.current() && steps < 10; steps++) {
          const c = r.current()!;
          const fit = { single: 'a', image: 'a', multiple: VALUES.slice(0, Math.max(1, c.min ?? 1)), scale: c.min ?? 1, number: 0, text: 'hi', email: { email: 'a@b.co', consent: true } }[c.type];
          expect(r.answer(c.id, fit as never)).toBeNull();
          expect(r.next()).toBeNull();
        }
        expect(r.result()).not.toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});
