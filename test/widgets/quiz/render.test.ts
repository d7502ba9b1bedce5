import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderQuiz } from '../../../src/widgets/quiz/render';
import { createQuizRunner } from '../../../src/widgets/quiz/runner';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import type { QuizHooks, QuizProgress, ValidQuiz } from '../../../src/widgets/quiz/types';
import example from '../../../examples/product-finder.quiz.json';

const valid = (quiz: unknown): ValidQuiz => {
  const { quiz: q, problems } = validateQuiz(quiz);
  expect(problems.filter((p) => p.severity == 'error')).toEqual([]);
  return q!;
};

let root: HTMLElement;
afterEach(() => root?.remove());

const mount = (quiz: ValidQuiz, hooks: QuizHooks = {}, resume?: QuizProgress) => {
  root = document.createElement('div');
  document.body.appendChild(root);
  const events: [string, any][] = [];
  const saved: QuizProgress[] = [];
  const handle = renderQuiz(root, createQuizRunner(quiz, { resume }), {
    onEvent: (name, properties) => events.push([name, properties]),
    onProgress: (state) => saved.push(state),
    ...hooks,
  });
  return { handle, events, saved };
};
const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector)!;
const $$ = <T extends Element = HTMLInputElement>(selector: string) => [...root.querySelectorAll<T>(selector)];
const legend = () => $('legend')?.textContent;
const choose = (label: string) => {
  const l = $$<HTMLLabelElement>('label').find((x) => x.textContent == label)!;
  expect(l, label).toBeTruthy();
  document.getElementById(l.htmlFor)!.click();
};
const submit = () => $<HTMLButtonElement>('button[type=submit]').click();

describe('renderQuiz: structure and keyboard', () => {
  it('renders a form with a fieldset, a legend, native radios with labels, Next and no Back', () => {
    mount(valid(example));
    const form = $<HTMLFormElement>('form');
    expect(form.classList.contains('attune-quiz__form')).toBe(true);
    expect($('fieldset > legend').textContent).toBe('What will you mostly do?');
    expect($('legend').tabIndex).toBe(-1);
    const radios = $$('input[type=radio]');
    expect(radios.map((r) => r.value)).toEqual(['run', 'hike', 'city', 'commute']);
    expect(new Set(radios.map((r) => r.name)).size).toBe(1);
    for (const r of radios) {
      expect(r.id).toMatch(/\S/);
      expect(root.querySelector(`label[for="${r.id}"]`)?.textContent).toMatch(/\w/);
    }
    expect($('button[type=submit]').textContent).toBe('Next');
    expect(root.querySelector('.attune-quiz__back')).toBeNull();
  });

  it('announces progress in a polite live region', () => {
    mount(valid(example));
    const status = $('[aria-live=polite]');
    expect(status.textContent).toBe('Question 1 of 5');
    choose('Trail running');
    submit();
    expect(status.textContent).toMatch(/^Question 2 of \d$/);
  });

  it('uses no inline style and no HTML of its own making', () => {
    mount(valid(example));
    choose('Hiking');
    submit();
    expect(root.querySelectorAll('[style]').length).toBe(0);
    expect(root.querySelectorAll('script').length).toBe(0);
    for (const e of root.querySelectorAll('*')) for (const c of e.classList) expect(c).toMatch(/^attune-quiz(__[a-z-]+)?$/);
  });

  it('does not take focus on mount, then moves it to each new question', () => {
    const outside = document.createElement('button');
    document.body.appendChild(outside);
    outside.focus();
    mount(valid(example));
    expect(document.activeElement).toBe(outside);
    choose('Hiking');
    submit();
    expect(legend()).toBe('How long are your trips?');
    expect(document.activeElement).toBe($('legend'));
    $<HTMLButtonElement>('.attune-quiz__back').click();
    expect(legend()).toBe('What will you mostly do?');
    expect(document.activeElement).toBe($('legend'));
    outside.remove();
  });

  it('goes back with the Back button, keeping the answer checked', () => {
    mount(valid(example));
    choose('Walking in town');
    submit();
    expect($('.attune-quiz__back').getAttribute('type')).toBe('button');
    $<HTMLButtonElement>('.attune-quiz__back').click();
    expect($$('input[type=radio]').filter((r) => r.checked).map((r) => r.value)).toEqual(['city']);
  });

  it('ties an error to its field, and clears it with a good answer', () => {
    const { events } = mount(valid(example));
    submit();
    const error = $('.attune-quiz__error');
    expect(error.hidden).toBe(false);
    expect(error.textContent).toMatch(/required/i);
    for (const r of $$('input[type=radio]')) {
      expect(r.getAttribute('aria-invalid')).toBe('true');
      expect(r.getAttribute('aria-describedby')).toBe(error.id);
    }
    expect(document.activeElement).toBe($$('input[type=radio]')[0]);
    expect(events.map((e) => e[0])).toEqual(['Quiz Started']);
    choose('Hiking');
    submit();
    expect(legend()).toBe('How long are your trips?');
    expect($('.attune-quiz__error').hidden).toBe(true);
  });

  it('renders checkboxes, image choices with alt text, and a scale of radios with end labels', () => {
    mount(valid(example));
    choose('Hiking');
    submit();
    choose('Day hikes');
    submit();
    expect($$('input[type=checkbox]').map((c) => c.value)).toEqual(['rain', 'cold', 'mild']);
    expect($('.attune-quiz__help').textContent).toBe('Choose one or two.');
    expect($('fieldset').getAttribute('aria-describedby')).toBe($('.attune-quiz__help').id);
    choose('Rain');
    choose('Cold');
    choose('Mild and dry');
    submit();
    expect($('.attune-quiz__error').textContent).toMatch(/choose 1 to 2/i);
    choose('Mild and dry');
    submit();
    const images = $$<HTMLImageElement>('label img');
    expect(images.map((i) => [i.getAttribute('src'), i.alt])).toEqual([
      ['img/bag.svg', 'A small sling bag'],
      ['img/bag.svg', 'A 22-litre backpack'],
      ['img/bottle.svg', 'A steel bottle'],
    ]);
    expect($$('input[type=radio]').length).toBe(3);
    choose('A day\'s kit');
    submit();
    expect($$('input[type=radio]').map((r) => r.value)).toEqual(['1', '2', '3', '4', '5']);
    expect($$('.attune-quiz__scale-label').map((s) => s.textContent)).toEqual([' As little as possible', ' Whatever lasts longest']);
  });
});

describe('renderQuiz: fields', () => {
  const fields = valid({
    id: 'fields',
    questions: [
      { id: 'name', type: 'text', title: 'Your name?', optional: true },
      { id: 'size', type: 'number', title: 'Shoe size?', min: 35, max: 48 },
      { id: 'mail', type: 'email', title: 'Email?', consent: 'Email me my results' },
    ],
    outcomes: [{ id: 'done', title: 'Done' }],
  });

  it('labels a text field by its legend, and skips it when optional', () => {
    mount(fields);
    const input = $<HTMLInputElement>('input');
    expect(input.type).toBe('text');
    expect(input.getAttribute('aria-labelledby')).toBe($('legend').id);
    submit();
    expect(legend()).toBe('Shoe size?');
  });

  it('checks a number against its range', () => {
    mount(fields);
    submit();
    const input = $<HTMLInputElement>('input');
    expect(input.type).toBe('number');
    input.value = '60';
    submit();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect($('.attune-quiz__error').textContent).toMatch(/35 to 48/);
    input.value = '42';
    submit();
    expect(legend()).toBe('Email?');
  });

  it('keeps an email only with the explicit consent checkbox, and never puts it in an event', () => {
    const onResult = vi.fn();
    const { events, saved } = mount(fields, { onResult });
    submit();
    $<HTMLInputElement>('input').value = '40';
    submit();
    const [email, consent] = $$('input');
    expect(email.type).toBe('email');
    expect(email.autocomplete).toBe('email');
    expect(consent.type).toBe('checkbox');
    expect(root.querySelector(`label[for="${consent.id}"]`)?.textContent).toBe('Email me my results');
    email.value = 'ann@example.com';
    submit();
    expect(consent.getAttribute('aria-invalid')).toBe('true');
    expect(consent.getAttribute('aria-describedby')).toBe($('.attune-quiz__error').id);
    expect(email.getAttribute('aria-invalid')).toBe('false');
    expect(document.activeElement).toBe(consent);
    consent.click();
    submit();
    expect($('h2').textContent).toBe('Done');
    expect(onResult).toHaveBeenCalledOnce();
    expect(onResult.mock.calls[0][0].personal).toEqual({ email: 'ann@example.com' });
    expect(JSON.stringify(events)).not.toContain('ann@');
    expect(events.find((e) => e[1].question_id == 'mail')![1]).not.toHaveProperty('answer');
    expect(saved.at(-1)!.done).toBe(true);
  });
});

describe('renderQuiz: events and result', () => {
  const play = () => {
    choose('Trail running');
    submit();
    choose('Longer, sometimes all day');
    submit();
    choose('Rain');
    submit();
    choose('4');
    submit();
    submit();
  };

  it('shows the outcome, the products and a safe CTA, and emits the quiz events', () => {
    const { events, saved, handle } = mount(valid(example));
    play();
    expect($('h2').textContent).toBe('Built for the trail');
    expect(document.activeElement).toBe($('h2'));
    // Said once, by the focused heading: the progress line is emptied, not repeated.
    expect($('[aria-live=polite]').textContent).toBe('');
    expect($('.attune-quiz__text').textContent).toBe('Light, grippy shoes and socks that stay dry.');
    expect($$('li[data-product-id]').map((l) => l.textContent).slice(0, 3)).toEqual(['trail-runner', 'trail-socks', 'steel-bottle']);
    const cta = $<HTMLAnchorElement>('a.attune-quiz__cta');
    expect([cta.getAttribute('href'), cta.textContent]).toEqual(['product.html?id=trail-runner', 'See the Trail Runner']);
    expect(events.map((e) => e[0])).toEqual(['Quiz Started', ...Array(5).fill('Quiz Question Answered'), 'Quiz Completed']);
    expect(events[0][1]).toEqual({ quiz_id: 'product-finder', question_id: 'activity' });
    expect(events[1][1]).toEqual({ quiz_id: 'product-finder', question_id: 'activity', index: 0, answer: 'run' });
    expect(events[6][1]).toMatchObject({ quiz_id: 'product-finder', outcome: 'trail-runner' });
    expect(saved.length).toBe(5);
    handle.abandon();
    expect(events.length).toBe(7);
  });

  it('lets the host draw the products', () => {
    const renderProducts = vi.fn((container: Element, ids: string[]) => container.append(`${ids.length} cards`));
    mount(valid(example), { renderProducts });
    play();
    expect(renderProducts).toHaveBeenCalledOnce();
    expect(renderProducts.mock.calls[0][1][0]).toBe('trail-runner');
    expect($('.attune-quiz__products').textContent).toMatch(/^\d+ cards$/);
  });

  it('is started by the first touch, not by being shown; a quiz never touched is not abandoned', () => {
    const { events, handle } = mount(valid(example));
    handle.abandon();
    expect(events).toEqual([]);
    choose('Hiking');
    expect(events).toEqual([['Quiz Started', { quiz_id: 'product-finder', question_id: 'activity' }]]);
    choose('Walking in town'); // a second touch is not a second start
    submit();
    expect(events.map((e) => e[0])).toEqual(['Quiz Started', 'Quiz Question Answered']);
  });

  it('resumes where the visitor was, without a second Quiz Started', () => {
    const first = mount(valid(example));
    choose('Hiking');
    submit();
    first.handle.destroy();
    const { events } = mount(valid(example), {}, first.saved.at(-1));
    expect(legend()).toBe('How long are your trips?');
    expect(events).toEqual([]);
  });

  it('emits Quiz Abandoned once, and nothing after destroy', () => {
    const { events, saved, handle } = mount(valid(example));
    choose('Hiking');
    submit();
    handle.abandon();
    handle.abandon();
    expect(events.filter((e) => e[0] == 'Quiz Abandoned')).toEqual([
      ['Quiz Abandoned', { quiz_id: 'product-finder', question_id: 'trip', index: 1, total: 6, answered: 1 }],
    ]);
    const form = $<HTMLFormElement>('form');
    handle.destroy();
    expect(root.children.length).toBe(0);
    form.querySelector<HTMLInputElement>('input')!.click();
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    handle.abandon();
    expect(events.length).toBe(3);
    expect(saved.length).toBe(1);
  });

  it('survives hooks that throw', () => {
    mount(valid(example), { onEvent: () => { throw new Error('host'); }, onProgress: () => { throw new Error('host'); } });
    choose('Hiking');
    submit();
    expect(legend()).toBe('How long are your trips?');
  });

  it('speaks the page language, or the one the host asks for', () => {
    document.documentElement.lang = 'uk';
    mount(valid(example));
    expect(legend()).toBe('Чим ви здебільшого займатиметесь?');
    root.remove();
    mount(valid(example), { locale: 'en-GB' });
    expect(legend()).toBe('What will you mostly do?');
    document.documentElement.lang = '';
  });

  it('uses the quiz interface words', () => {
    const quiz = valid({ ...example, ui: { next: { en: 'Next', uk: 'Далі' }, back: { uk: 'Назад' }, progress: { uk: 'Питання {n} з {total}' }, error: { uk: 'Перевірте відповідь' } } });
    mount(quiz, { locale: 'uk-UA' });
    expect($('button[type=submit]').textContent).toBe('Далі');
    expect($('[aria-live=polite]').textContent).toBe('Питання 1 з 5');
    submit();
    expect($('.attune-quiz__error').textContent).toBe('Перевірте відповідь');
  });
});
