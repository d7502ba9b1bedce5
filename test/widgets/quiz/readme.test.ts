// The README's quiz example is a quiz that runs: valid, and branching as it says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import { createQuizRunner } from '../../../src/widgets/quiz/runner';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('## Quizzes from JSON'));
const example = JSON.parse(section.slice(section.indexOf('```json') + 7, section.indexOf('```', section.indexOf('```json') + 7)));

describe("the README's quiz example", () => {
  it('validates with no problem at all', () => {
    expect(validateQuiz(example).problems).toEqual([]);
  });

  it('ends after one question for town walkers, and reaches the boot outcome for wet trails', () => {
    const town = createQuizRunner(validateQuiz(example).quiz!);
    town.answer('where', 'town');
    town.next();
    expect(town.result()?.outcome.id).toBe('everyday');
    const trail = createQuizRunner(validateQuiz(example).quiz!);
    trail.answer('where', 'trail');
    trail.next();
    expect(trail.current()?.id).toBe('wet');
    trail.answer('wet', 5);
    trail.next();
    expect(trail.result()).toMatchObject({ outcome: { id: 'boot' }, traits: { shoeNeed: 'waterproof' }, products: ['hiking-boot', 'trail-runner'] });
  });
});
