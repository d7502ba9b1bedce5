// Catastrophic backtracking (ReDoS) in `$regex`: the script tag's small check
// (regexRisk) and the bound on what a pattern runs on, the full check at the door
// (fullRegexCheck, redos-detector behind it), and the validators that report either
// with the JSON path of the pattern.
import { describe, expect, it, vi } from 'vitest';
import { evalCondition, regexRisk, REGEX_INPUT_LIMIT } from '../../src/decide/condition';
import { validateConfig as tagValidateConfig } from '../../src/decide/config';
import { fullRegexCheck } from '../../src/validate';
import { validateConfig, validateQuiz } from '../../src/index';
import { validateQuiz as tagValidateQuiz } from '../../src/widgets/quiz/validate';
import vectors from '../vectors/regex-safety.json';

type Verdict = 'safe' | 'unsafe';
interface Case {
  pattern: string;
  tag: Verdict;
  full: Verdict;
  why: string;
  attack?: string;
}
const cases = vectors.cases as Case[];
const verdict = (problem: string | undefined): Verdict => (problem ? 'unsafe' : 'safe');

describe('the vectors', () => {
  it.each(cases.map((c) => [c.pattern, c] as const))("the tag's check: %s", (pattern, c) => {
    expect(verdict(regexRisk(pattern))).toBe(c.tag);
  });

  it.each(cases.map((c) => [c.pattern, c] as const))('the full check: %s', (pattern, c) => {
    expect(verdict(fullRegexCheck(pattern, '$regex'))).toBe(c.full);
    // The door refuses all that the tag refuses, so what passes there runs in the tag.
    if (c.tag == 'unsafe') expect(c.full).toBe('unsafe');
  });

  it('are valid JavaScript patterns, and cover both verdicts of both checks', () => {
    for (const c of cases) expect(() => new RegExp(c.pattern)).not.toThrow();
    for (const key of ['tag', 'full'] as const) expect(new Set(cases.map((c) => c[key]))).toEqual(new Set(['safe', 'unsafe']));
  });
});

describe("the tag's small check", () => {
  it('says why, in words', () => {
    expect(regexRisk('(a+)+$')).toBe('unsafe regular expression (a repeated group)');
    expect(regexRisk('(a)\\1')).toBe('unsafe regular expression (a back-reference)');
    expect(regexRisk('a+b+c+')).toBe('unsafe regular expression (over two unbounded repeats)');
    expect(regexRisk('^/products/\\d+$')).toBeUndefined();
  });

  it('reads escapes and classes as single characters', () => {
    expect(regexRisk('\\(a\\)+')).toBeUndefined();
    expect(regexRisk('[)]+')).toBeUndefined();
    expect(regexRisk('[\\]+*]+\\*\\+')).toBeUndefined();
    expect(regexRisk('\\\\+\\++')).toBeUndefined();
    // Conservative, and short: a backslash and a digit are a back-reference even when the
    // backslash is itself escaped.
    expect(regexRisk('\\\\1')).toBe(regexRisk('\\1'));
  });

  it('counts a group repeated any way, but not one made optional', () => {
    // `(ab){` is a literal brace in JavaScript, refused all the same (conservative).
    for (const p of ['(ab)*', '(ab)+', '(ab)+?', '(?:ab){2}', '(?:ab){2,}', '((a)b)*', '(ab){']) expect(regexRisk(p), p).toBeDefined();
    for (const p of ['(ab)?', '(a|b)c', '(a+)?(b|c)?', '(ab)?{']) expect(regexRisk(p), p).toBeUndefined();
  });

  it('counts bounded ranges with unbounded repeats, but not fixed counts', () => {
    expect(regexRisk('.{0,9}.{0,9}.{0,9}')).toBeDefined();
    expect(regexRisk('a*b{2,}c+')).toBeDefined();
    expect(regexRisk('\\d{4}-\\d{2}-\\d{2}')).toBeUndefined();
  });
});

describe('evaluating a $regex in the tag', () => {
  const attacks = cases.filter((c) => c.tag == 'unsafe' && c.attack);

  it.each(attacks.map((c) => [c.pattern, c] as const))('refuses %s at once, and reports it with its path', (pattern, c) => {
    const onUnknown = vi.fn();
    const started = performance.now();
    // Run unchecked, each of these backtracks for seconds on its attack value.
    expect(evalCondition({ 'page.query.q': { $regex: pattern } }, { page: { query: { q: c.attack } } }, onUnknown)).toBe(false);
    expect(evalCondition({ q: { $not: { $regexi: pattern } } }, { q: c.attack })).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
    expect(onUnknown).toHaveBeenCalledTimes(1);
    const [message, path] = onUnknown.mock.calls[0];
    expect(path).toBe('$["page.query.q"].$regex');
    expect(message).toBe(`${regexRisk(pattern)} (at $["page.query.q"].$regex)`);
  });

  it(`tests the first ${REGEX_INPUT_LIMIT} characters of a value`, () => {
    const pad = 'x'.repeat(REGEX_INPUT_LIMIT - 'needle'.length);
    expect(evalCondition({ q: { $regex: 'needle$' } }, { q: pad + 'needle' })).toBe(true);
    expect(evalCondition({ q: { $regex: 'needle$' } }, { q: pad + 'xneedle' })).toBe(false);
    expect(evalCondition({ q: { $regex: 'needle' } }, { q: pad + 'xneedle' })).toBe(false);
    expect(evalCondition({ q: { $regex: '^1000$' } }, { q: 1000 })).toBe(true);
  });

  it('bounds the time a pattern it lets through can take on a long crafted value', () => {
    // Cubic: unbounded, 5,000 characters would take about half a minute; 1,000 take ~0.2 s.
    const started = performance.now();
    expect(evalCondition({ q: { $regex: '.*b.*c' } }, { q: 'b'.repeat(5000) })).toBe(false);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

// The segment, and the same pattern where a quiz outcome uses it.
const config = () => ({
  segments: { searchers: { when: { 'page.query.q': { $regex: '(a+)+$' } } }, sale: { when: { 'page.path': { $regexi: '.*sale.*' } } } },
  placements: [{ id: 'hero', variants: [{ id: 'a', when: { segments: { $in: ['searchers'] } } }, { id: 'b' }] }],
});
const quiz = (pattern: string) => ({
  id: 'finder',
  questions: [{ id: 'use', type: 'single', title: 'What for?', options: [{ value: 'run', label: 'Running' }, { value: 'walk', label: 'Walking' }] }],
  outcomes: [{ id: 'runner', when: { 'answers.use': { $regex: pattern } }, title: 'Runner' }, { id: 'any', title: 'Anything' }],
});

describe('validating at the door', () => {
  it('validateConfig refuses a pattern that can backtrack catastrophically, with its JSON path and why', () => {
    const { config: valid, problems } = validateConfig(config());
    expect(problems).toEqual([
      { path: '$.segments.searchers.when["page.query.q"].$regex', message: regexRisk('(a+)+$'), severity: 'error' },
      { path: '$.segments.sale.when["page.path"].$regexi', message: expect.stringMatching(/^unsafe regular expression \(parts of it can match the same text/), severity: 'error' },
    ]);
    // A segment with an error is kept, broken, so no visitor is ever tested against it.
    expect(valid.segments.searchers.broken?.path).toBe('$.segments.searchers.when["page.query.q"].$regex');
  });

  it("the tag's validateConfig refuses what the tag will not run, and leaves what its length bound makes safe", () => {
    const { problems } = tagValidateConfig(config());
    expect(problems.map((p) => [p.path, p.message])).toEqual([['$.segments.searchers.when["page.query.q"].$regex', regexRisk('(a+)+$')]]);
  });

  it('validateQuiz refuses one in a quiz condition, with its JSON path', () => {
    expect(validateQuiz(quiz('(a|aa)+$')).problems).toEqual([
      { path: '$.outcomes[0].when["answers.use"].$regex', message: regexRisk('(a|aa)+$'), severity: 'error' },
    ]);
    expect(validateQuiz(quiz('.*run.*')).problems.map((p) => p.path)).toEqual(['$.outcomes[0].when["answers.use"].$regex']);
    expect(tagValidateQuiz(quiz('.*run.*')).problems).toEqual([]);
    expect(validateQuiz(quiz('^(run|walk)$')).problems).toEqual([]);
  });

  it('still calls a pattern that does not compile invalid, not unsafe', () => {
    expect(validateConfig({ placements: [{ id: 'p', variants: [{ id: 'a', when: { x: { $regex: '(a+' } } }] }] }).problems).toEqual([
      { path: '$.placements[0].variants[0].when.x.$regex', message: 'invalid regular expression', severity: 'error' },
    ]);
  });
});
