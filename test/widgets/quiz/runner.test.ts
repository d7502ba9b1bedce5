import { describe, expect, it } from 'vitest';
import { createQuizRunner } from '../../../src/widgets/quiz/runner';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import type { Quiz, QuizProgress, QuizRunner, ValidQuiz } from '../../../src/widgets/quiz/types';
import example from '../../../examples/product-finder.quiz.json';

const valid = (quiz: unknown): ValidQuiz => {
  const { quiz: q, problems } = validateQuiz(quiz);
  expect(problems).toEqual([]);
  return q!;
};
const finder = () => valid(example);
const step = (r: QuizRunner, id: string, value: unknown) => {
  expect(r.current()?.id).toBe(id);
  expect(r.answer(id, value as never)).toBeNull();
  expect(r.next()).toBeNull();
};
const ids = (r: QuizRunner) => r.state().path;

// A quiz of one question of each kind, to check what answers each accepts.
const kinds = valid({
  id: 'kinds',
  questions: [
    { id: 'one', type: 'single', title: 'One', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
    { id: 'many', type: 'multiple', title: 'Many', min: 1, max: 2, options: [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }, { value: 'z', label: 'Z' }] },
    { id: 'rate', type: 'scale', title: 'Rate', min: 1, max: 5, score: 'love' },
    { id: 'pic', type: 'image', title: 'Pic', options: [{ value: 'p', label: 'P', image: { src: '/p.png', alt: 'P' } }] },
    { id: 'note', type: 'text', title: 'Note', max: 5, optional: true },
    { id: 'size', type: 'number', title: 'Size', min: 35, max: 48 },
    { id: 'mail', type: 'email', title: 'Mail', consent: 'OK', optional: true },
  ],
  outcomes: [{ id: 'only', title: 'Only' }],
});

describe('createQuizRunner: answers', () => {
  it.each([
    ['one', 'c', 'value', /unknown option/i],
    ['one', ['a'], 'value', /unknown option/i],
    ['one', '', 'value', /required/i],
    ['many', [], 'value', /required/i],
    ['many', ['x', 'y', 'z'], 'value', /choose 1 to 2/i],
    ['many', ['x', 'x'], 'value', /unknown option/i],
    ['many', 'x', 'value', /unknown option/i],
    ['rate', 6, 'value', /1 to 5/],
    ['rate', 2.5, 'value', /1 to 5/],
    ['rate', '3', 'value', /1 to 5/],
    ['size', 34, 'value', /35 to 48/],
    ['size', NaN, 'value', /35 to 48/],
    ['note', 'too long text', 'value', /too long/i],
    ['note', 42, 'value', /text/i],
    ['mail', { email: 'not-an-address', consent: true }, 'value', /email/i],
    ['mail', { email: 'ann@example.com', consent: false }, 'consent', /consent/i],
    ['mail', 'ann@example.com', 'consent', /consent/i],
  ])('refuses %s = %j, naming the %s field', (question, value, field, message) => {
    const r = createQuizRunner(kinds);
    const error = r.answer(question, value as never);
    expect(error).toMatchObject({ question, field });
    expect(error!.message).toMatch(message);
    expect(r.state().answers).toEqual({});
  });

  it('refuses an unknown question', () => {
    expect(createQuizRunner(kinds).answer('nope', 'a')).toMatchObject({ question: 'nope', message: expect.stringMatching(/unknown question/i) });
  });

  it('keeps valid answers, normalised', () => {
    const r = createQuizRunner(kinds);
    expect(r.answer('many', ['y', 'x'])).toBeNull();
    expect(r.answer('note', '  hi  ')).toBeNull();
    expect(r.answer('size', 42.5)).toBeNull();
    expect(r.answer('mail', { email: ' ann@example.com ', consent: true })).toBeNull();
    expect(r.state().answers).toEqual({ many: ['x', 'y'], note: 'hi', size: 42.5, mail: { email: 'ann@example.com', consent: true } });
  });

  it('clears an optional answer with an empty value, but not a required one', () => {
    const r = createQuizRunner(kinds);
    r.answer('note', 'hi');
    expect(r.answer('note', '')).toBeNull();
    expect(r.answer('mail', { email: '', consent: false })).toBeNull();
    expect(r.answer('one', null)).toMatchObject({ field: 'value' });
    expect(r.state().answers).toEqual({});
  });

  it('takes no tick as an answer to a multiple choice with min 0', () => {
    const quiz = valid({ id: 'none', questions: [{ id: 'm', type: 'multiple', title: 'M', min: 0, options: [{ value: 'a', label: 'A' }] }], outcomes: [{ id: 'o', title: 'O' }] });
    const r = createQuizRunner(quiz);
    expect(r.next()).toMatchObject({ question: 'm' });
    step(r, 'm', []);
    expect(r.result()?.answers).toEqual({ m: [] });
  });

  it('does not move on from a required question without an answer', () => {
    const r = createQuizRunner(kinds);
    expect(r.next()).toMatchObject({ question: 'one', field: 'value' });
    expect(r.current()?.id).toBe('one');
    step(r, 'one', 'a');
    step(r, 'many', ['x']);
    step(r, 'rate', 4);
    step(r, 'pic', 'p');
    expect(r.next()).toBeNull(); // `note` is optional
    expect(r.current()?.id).toBe('size');
  });
});

describe('createQuizRunner: moving through the quiz', () => {
  it('starts at the first question', () => {
    const r = createQuizRunner(finder());
    expect(r.current()?.id).toBe('activity');
    // Five on the fallback route: activity, weather, carry, budget, updates.
    expect(r.progress()).toEqual({ index: 0, total: 5, answered: 0 });
    expect(r.result()).toBeNull();
  });

  it('counts the questions of the route the answers take, and keeps the count once the branch is taken', () => {
    const walk = (answers: [string, unknown][]) => {
      const r = createQuizRunner(finder());
      const totals: number[] = [];
      for (const [id, value] of answers) {
        step(r, id, value as never);
        if (r.current()) totals.push(r.progress().total);
      }
      expect(r.current()).toBeNull();
      return totals;
    };
    // Runners: activity, distance, weather, budget, updates (carry is hidden from them).
    expect(walk([['activity', 'run'], ['distance', 'short'], ['weather', ['rain']], ['budget', 3], ['updates', undefined]])).toEqual([5, 5, 5, 5]);
    // Hikers: activity, trip, weather, carry, budget, updates.
    expect(walk([['activity', 'hike'], ['trip', 'day'], ['weather', ['cold']], ['carry', 'bottle'], ['budget', 2], ['updates', undefined]])).toEqual([6, 6, 6, 6, 6]);
  });

  it('branches runners to distance, then weather, and skips the question hidden from them', () => {
    const r = createQuizRunner(finder());
    step(r, 'activity', 'run');
    expect(r.progress()).toMatchObject({ index: 1, answered: 1 });
    step(r, 'distance', 'long');
    step(r, 'weather', ['rain']);
    // `carry` is only for those who do not run.
    step(r, 'budget', 5);
    step(r, 'updates', { email: 'ann@example.com', consent: true });
    expect(r.current()).toBeNull();
    expect(ids(r)).toEqual(['activity', 'distance', 'weather', 'budget', 'updates']);
    expect(r.progress()).toEqual({ index: 5, total: 5, answered: 5 });
  });

  it('branches hikers to trip, and everyone else straight to weather', () => {
    const hiker = createQuizRunner(finder());
    step(hiker, 'activity', 'hike');
    step(hiker, 'trip', 'day');
    step(hiker, 'weather', ['mild']);
    expect(hiker.current()?.id).toBe('carry');
    const walker = createQuizRunner(finder());
    step(walker, 'activity', 'city');
    expect(walker.current()?.id).toBe('weather');
  });

  it('goes back one question at a time, keeping answers, and takes a new branch', () => {
    const r = createQuizRunner(finder());
    r.back();
    expect(r.current()?.id).toBe('activity');
    step(r, 'activity', 'run');
    step(r, 'distance', 'short');
    r.back();
    r.back();
    expect(r.current()?.id).toBe('activity');
    expect(r.state().answers).toMatchObject({ activity: 'run', distance: 'short' });
    step(r, 'activity', 'hike');
    expect(r.current()?.id).toBe('trip');
    expect(ids(r)).toEqual(['activity', 'trip']);
  });

  it('goes back from the result to the last question', () => {
    const r = createQuizRunner(finder());
    for (const [id, v] of [['activity', 'city'], ['weather', ['mild']], ['carry', 'essentials'], ['budget', 1]] as const) step(r, id, v);
    expect(r.next()).toBeNull();
    expect(r.result()).not.toBeNull();
    r.back();
    expect(r.current()?.id).toBe('updates');
    expect(r.result()).toBeNull();
  });

  it('ends at a rule to "end", and answers off the path do not count', () => {
    const quiz = valid({
      id: 'short',
      questions: [
        { id: 'a', type: 'single', title: 'A', options: [{ value: 'stop', label: 'Stop', tags: ['stopped'] }, { value: 'go', label: 'Go' }], next: [{ when: { 'answers.a': 'stop' }, goto: 'end' }] },
        { id: 'b', type: 'single', title: 'B', options: [{ value: 'x', label: 'X', tags: ['b'] }] },
      ],
      outcomes: [{ id: 'b', when: { tags: { $in: ['b'] } }, title: 'B' }, { id: 'other', title: 'Other' }],
    });
    const r = createQuizRunner(quiz);
    step(r, 'a', 'go');
    r.answer('b', 'x');
    r.back();
    step(r, 'a', 'stop');
    expect(r.current()).toBeNull();
    expect(r.result()).toMatchObject({ outcome: { id: 'other' }, tags: ['stopped'], answers: { a: 'stop' } });
  });

  it('ends rather than loop when given a cyclic quiz that skipped validation', () => {
    const quiz = { id: 'loop', questions: [{ id: 'a', type: 'single', title: 'A', options: [{ value: 'x', label: 'X' }], next: [{ goto: 'a' }] }], outcomes: [{ id: 'o', title: 'O' }] } as Quiz as ValidQuiz;
    const r = createQuizRunner(quiz);
    step(r, 'a', 'x');
    expect(r.result()?.outcome.id).toBe('o');
  });

  it('finishes at once when no question is visible', () => {
    const quiz = valid({ id: 'none', questions: [{ id: 'a', type: 'text', title: 'A', visibleIf: { 'answers.a': 'never' } }], outcomes: [{ id: 'o', title: 'O' }] });
    const r = createQuizRunner(quiz);
    expect(r.current()).toBeNull();
    expect(r.result()?.outcome.id).toBe('o');
    r.back();
    expect(r.result()?.outcome.id).toBe('o');
  });
});

describe('createQuizRunner: results', () => {
  const finish = (answers: [string, unknown][]) => {
    const r = createQuizRunner(finder());
    for (const [id, v] of answers) step(r, id, v);
    return r.result()!;
  };

  it('chooses the first outcome that holds, ranks products by votes, and gives the traits', () => {
    const result = finish([['activity', 'run'], ['distance', 'long'], ['weather', ['rain', 'cold']], ['budget', 4], ['updates', null]]);
    expect(result.outcome.id).toBe('trail-runner');
    expect(result.scores).toEqual({ run: 3, rain: 2, cold: 2, premium: 4 });
    expect(result.tags).toEqual(['running']);
    expect(result.traits).toEqual({ quizOutcome: 'trail-runner' });
    // trail-runner: activity, distance and the outcome; steel-bottle: distance and the outcome.
    expect(result.products.slice(0, 3)).toEqual(['trail-runner', 'trail-socks', 'steel-bottle']);
    expect(result.products).toEqual(expect.arrayContaining(['rain-shell', 'roll-top', 'down-puffer', 'merino-beanie']));
    expect(result.products[0]).toBe('trail-runner');
    expect(result.personal).toEqual({});
  });

  it('falls back when no outcome holds', () => {
    const result = finish([['activity', 'commute'], ['weather', ['mild']], ['carry', 'bottle'], ['budget', 2], ['updates', null]]);
    expect(result.outcome.id).toBe('explorer');
    expect(result.traits).toEqual({ quizOutcome: 'explorer' });
    // Two votes each (an answer and the outcome) first, in the outcome's order; then one vote each.
    expect(result.products).toEqual(['fleece-midlayer', 'steel-bottle', 'day-pack', 'roll-top']);
  });

  it('adds the outcome tags, and reaches an outcome by scores and by answers', () => {
    expect(finish([['activity', 'hike'], ['trip', 'multi-day'], ['weather', ['rain']], ['carry', 'day-kit'], ['budget', 3], ['updates', null]])).toMatchObject({
      outcome: { id: 'hiker' },
      tags: ['hiking', 'multi-day'],
    });
    expect(finish([['activity', 'commute'], ['weather', ['rain']], ['carry', 'essentials'], ['budget', 3], ['updates', null]]).outcome.id).toBe('all-weather');
    expect(finish([['activity', 'city'], ['weather', ['mild']], ['carry', 'essentials'], ['budget', 3], ['updates', null]]).outcome.id).toBe('city');
  });

  it('keeps a consented email out of answers, as personal data under its trait', () => {
    const result = finish([['activity', 'city'], ['weather', ['mild']], ['carry', 'essentials'], ['budget', 3], ['updates', { email: 'ann@example.com', consent: true }]]);
    expect(result.personal).toEqual({ email: 'ann@example.com' });
    expect(result.answers.updates).toBe(true);
    expect(JSON.stringify(result.answers)).not.toContain('ann@');
  });
});

describe('createQuizRunner: saving and resuming', () => {
  it('resumes from saved progress where it left off', () => {
    const r = createQuizRunner(finder());
    step(r, 'activity', 'hike');
    step(r, 'trip', 'multi-day');
    r.answer('weather', ['rain']);
    const saved: QuizProgress = JSON.parse(JSON.stringify(r.state()));
    expect(saved).toEqual({ quiz: 'product-finder', version: 1, answers: { activity: 'hike', trip: 'multi-day', weather: ['rain'] }, path: ['activity', 'trip', 'weather'], done: false });
    const again = createQuizRunner(finder(), { resume: saved });
    expect(again.current()?.id).toBe('weather');
    expect(again.progress()).toEqual(r.progress());
    expect(again.state()).toEqual(saved);
    again.next();
    expect(again.current()?.id).toBe('carry');
  });

  it('resumes a finished quiz at its result', () => {
    const r = createQuizRunner(finder());
    for (const [id, v] of [['activity', 'city'], ['weather', ['mild']], ['carry', 'essentials'], ['budget', 1], ['updates', { email: 'a@b.co', consent: true }]] as const) step(r, id, v);
    const again = createQuizRunner(finder(), { resume: r.state() });
    expect(again.result()).toEqual(r.result());
  });

  it('ignores progress of another quiz or version, and drops what no longer fits', () => {
    const base = { quiz: 'product-finder', version: 1, answers: { activity: 'run' }, path: ['activity', 'distance'], done: false };
    expect(createQuizRunner(finder(), { resume: { ...base, version: 0 } }).current()?.id).toBe('activity');
    expect(createQuizRunner(finder(), { resume: { ...base, quiz: 'other' } }).state().path).toEqual(['activity']);
    const odd = createQuizRunner(finder(), {
      resume: { ...base, answers: { activity: 'swim', budget: 9, nope: 1 }, path: ['activity', 'nope', 'activity', 'distance'] },
    });
    expect(odd.state()).toMatchObject({ answers: {}, path: ['activity', 'distance'] });
  });

  it('survives garbage for progress', () => {
    for (const resume of [null, 'x', 5, { quiz: 'product-finder', version: 1, path: 7, answers: 'no', done: 'yes' }, { quiz: 'product-finder', version: 1 }]) {
      const r = createQuizRunner(finder(), { resume: resume as never });
      expect(r.current()?.id).toBe('activity');
    }
  });
});
