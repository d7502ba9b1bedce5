import { afterEach, describe, expect, it } from 'vitest';
import { renderQuiz } from '../../../src/widgets/quiz/render';
import { createQuizRunner } from '../../../src/widgets/quiz/runner';
import { validateQuiz } from '../../../src/widgets/quiz/validate';
import type { Quiz, ValidQuiz } from '../../../src/widgets/quiz/types';

let root: HTMLElement;
afterEach(() => root?.remove());

const mount = (quiz: ValidQuiz) => {
  root = document.createElement('div');
  document.body.appendChild(root);
  renderQuiz(root, createQuizRunner(quiz));
};
const $ = <T extends Element = HTMLElement>(selector: string) => root.querySelector<T>(selector)!;
const $$ = <T extends Element = HTMLInputElement>(selector: string) => [...root.querySelectorAll<T>(selector)];
const legend = () => $('legend')?.textContent;
const choose = (label: string) => document.getElementById($$<HTMLLabelElement>('label').find((x) => x.textContent == label)!.htmlFor)!.click();
const submit = () => $<HTMLButtonElement>('button[type=submit]').click();

describe('renderQuiz: hostile text and URLs', () => {
  const XSS = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';
  const hostile = (): Quiz => ({
    id: 'x',
    title: XSS,
    questions: [
      { id: 'q', type: 'single', title: XSS, help: XSS, options: [{ value: XSS, label: XSS }, { value: 'b', label: { en: XSS } }] },
      { id: 'p', type: 'image', title: 'Pick', options: [{ value: 'a', label: 'A', image: { src: 'javascript:alert(1)', alt: XSS } }, { value: 'b', label: 'B', image: { src: '/ok.png', alt: XSS } }] },
    ],
    outcomes: [{ id: 'o', title: XSS, text: XSS, cta: { label: XSS, href: 'javascript:alert(1)' }, products: [XSS] }],
  });

  it('is refused by validateQuiz for its URLs', () => {
    expect(validateQuiz(hostile()).problems.filter((p) => p.severity == 'error').map((p) => p.path)).toEqual([
      '$.questions[1].options[0].image.src',
      '$.outcomes[0].cta.href',
    ]);
  });

  it('renders as text, creating no element from it, even when validation was skipped', () => {
    mount(hostile() as ValidQuiz);
    expect(legend()).toBe(XSS);
    expect($('.attune-quiz__help').textContent).toBe(XSS);
    expect($$('label').map((l) => l.textContent)).toEqual([XSS, XSS]);
    expect(root.querySelectorAll('img, script').length).toBe(0);
    choose(XSS);
    submit();
    // Only the safe image is drawn; the javascript: one is left out.
    expect($$<HTMLImageElement>('img').map((i) => [i.getAttribute('src'), i.alt])).toEqual([['/ok.png', XSS]]);
    choose('B');
    submit();
    expect($('h2').textContent).toBe(XSS);
    expect($('.attune-quiz__text').textContent).toBe(XSS);
    expect($('li').textContent).toBe(XSS);
    expect(root.querySelector('a')).toBeNull();
    expect(root.querySelectorAll('script').length).toBe(0);
    expect($$('img').length).toBe(0);
    expect((window as any).pwned).toBeUndefined();
  });
});
