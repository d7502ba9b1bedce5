import { describe, expect, it } from 'vitest';
import { createQuizRunner } from '../../../src/widgets/quiz/runner';
import { localize, pageLocale } from '../../../src/widgets/quiz/text';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import example from '../../../examples/product-finder.quiz.json';

const finder = () => validateQuiz(example).quiz!;

describe('localize', () => {
  const text = { en: 'Next', uk: 'Далі', 'pt-BR': 'Próximo' };

  it('chooses the locale, then its language, then English, then the first', () => {
    expect(localize(text, 'uk-UA')).toBe('Далі');
    expect(localize(text, 'UK')).toBe('Далі');
    expect(localize(text, 'pt_br')).toBe('Próximo');
    expect(localize(text, 'fr-FR')).toBe('Next');
    expect(localize({ de: 'Weiter', fr: 'Suivant' }, 'es')).toBe('Weiter');
    expect(localize('Plain', 'uk')).toBe('Plain');
    expect(localize(undefined, 'uk')).toBe('');
    expect(localize({}, 'uk')).toBe('');
  });

  it('reads the page language', () => {
    document.documentElement.lang = 'uk-UA';
    expect(pageLocale()).toBe('uk-UA');
    document.documentElement.lang = '';
    expect(pageLocale()).toBe(navigator.language);
  });

  it("is the runner's locale", () => {
    expect(createQuizRunner(finder(), { locale: 'uk-UA' }).text(example.questions[0].title)).toBe('Чим ви здебільшого займатиметесь?');
    expect(createQuizRunner(finder(), { locale: 'de' }).text(example.questions[0].title)).toBe('What will you mostly do?');
    expect(createQuizRunner(finder()).text(example.questions[1].title)).toBe('How far do you usually run?');
  });
});
