/**
 * The default quiz renderer: a real `<form>` of native controls, so keyboards,
 * screen readers and autofill work without scripting any of them.
 *
 * Safe under a strict Content-Security-Policy: every quiz string goes in as text,
 * URLs are checked again here (a runner can be built on a quiz that skipped
 * validation), and there are no inline styles or scripts. It is styled by class
 * names alone: `attune-quiz` and its parts `__status`, `__form`, `__question`,
 * `__title`, `__help`, `__option`, `__input`, `__label`, `__image`, `__scale-label`,
 * `__error`, `__actions`, `__back`, `__next`, `__result`, `__text`, `__products`,
 * `__product`, `__cta`. A site's stylesheet may set these custom properties, which
 * the stylesheet in docs/quiz.md reads: `--attune-quiz-gap`, `--attune-quiz-accent`,
 * `--attune-quiz-radius`, `--attune-quiz-error`.
 */
import { safeUrl } from '../../decide/url';
import { localize, pageLocale } from './text';
import type { QuizAnswerError, QuizEventName, QuizHandle, QuizHooks, QuizRunner, QuizText } from './types';

type Any = any;

let mounts = 0;

const el = <T extends HTMLElement>(parent: Element, tag: string, part: string, text?: string): T => {
  const e = document.createElement(tag) as T;
  e.className = 'attune-quiz__' + part;
  if (text) e.textContent = text;
  parent.appendChild(e);
  return e;
};

// A host's hook that throws must not break the quiz the visitor is filling in.
const call = (f: Any, ...args: unknown[]) => {
  try {
    f && f(...args);
  } catch {}
};

/**
 * Renders `runner`'s quiz into `root`: the current question (or the result), with
 * Next and Back, until the quiz is finished. Focus moves to each new question's
 * legend (or the result's heading), but not on mount, so the page keeps its focus.
 * Emits `Quiz Started` at the visitor's first touch of a fresh quiz (a choice, a
 * keystroke, Next), `Quiz Question Answered` (without the value of text and email
 * answers, which may be personal), and `Quiz Completed`; `abandon()` emits `Quiz
 * Abandoned` when the host judges the visitor has left a quiz they had started.
 * A quiz only shown is not started: on a busy page many see it and never begin.
 *
 * @example const quiz = renderQuiz(slot, createQuizRunner(valid), { onEvent: track, onProgress: save })
 */
export function renderQuiz(root: Element, runner: QuizRunner, hooks: QuizHooks = {}): QuizHandle {
  const { quiz } = runner;
  const ui = quiz.ui || {};
  const locale = hooks.locale || runner.locale || pageLocale();
  const tx = (t?: QuizText, fallback = '') => localize(t, locale) || fallback;
  const id = 'attune-quiz-' + ++mounts + '-';
  const box = document.createElement('div');
  box.className = 'attune-quiz';
  root.appendChild(box);
  const live = el(box, 'p', 'status');
  live.setAttribute('aria-live', 'polite');
  const view = el(box, 'div', 'view');
  let dead = false;
  let abandoned = false;

  const emit = (name: QuizEventName, properties: object) => dead || call(hooks.onEvent, name, { quiz_id: quiz.id, ...properties });
  const step = () => {
    if (dead) return;
    call(hooks.onProgress, runner.state());
    draw(true);
  };

  const draw = (focus?: boolean) => {
    view.textContent = '';
    const q = runner.current();
    const { index, total } = runner.progress();
    if (!q) return result(focus);
    live.textContent = tx(ui.progress, 'Question {n} of {total}').replace('{n}', index + 1 + '').replace('{total}', total + '');
    const form = el<HTMLFormElement>(view, 'form', 'form');
    // The runner checks answers, so its messages, tied to the fields, replace the browser's bubbles.
    form.noValidate = true;
    const set = el(form, 'fieldset', 'question');
    const legend = el(set, 'legend', 'title', tx(q.title));
    legend.id = id + 'title';
    legend.tabIndex = -1;
    if (q.help) set.setAttribute('aria-describedby', (el(set, 'p', 'help', tx(q.help)).id = id + 'help'));
    const saved: Any = runner.state().answers[q.id];
    const t = q.type;
    const choice = /^(single|multiple|image)$/.test(t);
    const inputs: HTMLInputElement[] = [];
    let consent: HTMLInputElement | undefined;
    const input = (type: string, value: unknown, text: string, on: unknown) => {
      const row = el(set, 'div', 'option');
      const i = el<HTMLInputElement>(row, 'input', 'input');
      i.type = type;
      i.name = id + q.id;
      i.id = id + inputs.push(i);
      i.value = value + '';
      i.checked = !!on;
      const label = el<HTMLLabelElement>(row, 'label', 'label', text);
      label.htmlFor = i.id;
      return label;
    };

    if (choice)
      for (const o of q.options || []) {
        const label = input(t == 'multiple' ? 'checkbox' : 'radio', o.value, '', [saved].flat().includes(o.value));
        const src = t == 'image' && o.image && o.image.src;
        if (src && safeUrl(src, 'src')) {
          const img = el<HTMLImageElement>(label, 'img', 'image');
          img.src = src;
          img.alt = tx(o.image!.alt);
        }
        label.append(tx(o.label));
      }
    else if (t == 'scale')
      for (let v = q.min ?? 1, hi = q.max ?? 5; v <= hi; v++) {
        const end = v == (q.min ?? 1) ? q.minLabel : v == hi ? q.maxLabel : 0;
        const label = input('radio', v, v + '', saved === v);
        end && el(label, 'span', 'scale-label', ' ' + tx(end));
      }
    else {
      const i = el<HTMLInputElement>(set, 'input', 'input');
      inputs.push(i);
      i.id = id + 'field';
      i.type = t == 'text' ? 'text' : t;
      i.setAttribute('aria-labelledby', legend.id);
      i.value = saved == null ? '' : (saved.email ?? saved) + '';
      if (t == 'number') i.step = 'any';
      if (t == 'email') {
        i.autocomplete = 'email';
        input('checkbox', 'yes', tx(q.consent), saved);
        consent = inputs.pop();
      }
    }
    const error = el(set, 'p', 'error');
    error.id = id + 'error';
    error.hidden = true;

    const actions = el(form, 'div', 'actions');
    if (index) {
      const back = el<HTMLButtonElement>(actions, 'button', 'back', tx(ui.back, 'Back'));
      back.type = 'button';
      back.onclick = () => {
        runner.back();
        step();
      };
    }
    el<HTMLButtonElement>(actions, 'button', 'next', tx(ui.next, 'Next')).type = 'submit';

    const read = () => {
      const on = inputs.filter((i) => i.checked).map((i) => i.value);
      const v = inputs[0].value;
      return t == 'multiple' ? on : choice ? on[0] ?? null : t == 'scale' ? (on[0] ? +on[0] : null) : t == 'number' ? (v ? +v : null) : t == 'email' ? { email: v, consent: consent!.checked } : v;
    };
    const show = (e: QuizAnswerError) => {
      const bad = e.field == 'consent' ? [consent!] : inputs;
      error.textContent = tx(ui.error, e.message);
      error.hidden = false;
      for (const i of [...inputs, consent]) {
        if (!i) continue;
        i.setAttribute('aria-invalid', bad.includes(i) + '');
        bad.includes(i) ? i.setAttribute('aria-describedby', error.id) : i.removeAttribute('aria-describedby');
      }
      bad[0].focus();
    };
    form.onsubmit = (event) => {
      event.preventDefault();
      start();
      const e = runner.answer(q.id, read()) || runner.next();
      if (e) return show(e);
      const answer = runner.state().answers[q.id];
      emit('Quiz Question Answered', { question_id: q.id, index, ...(/text|email/.test(t) ? {} : { answer: answer ?? null }) });
      step();
    };
    focus && legend.focus();
  };

  const result = (focus?: boolean) => {
    const r = runner.result()!;
    const o = r.outcome;
    const section = el(view, 'div', 'result');
    // The focused heading announces the outcome; saying it in the live region too showed
    // (and read) the title twice.
    live.textContent = '';
    const title = el(section, 'h2', 'title', tx(o.title));
    title.tabIndex = -1;
    o.text && el(section, 'p', 'text', tx(o.text));
    const products = el(section, 'div', 'products');
    if (hooks.renderProducts) call(hooks.renderProducts, products, r.products);
    else if (r.products.length) {
      const list = el(products, 'ul', 'list');
      r.products.forEach((p) => el(list, 'li', 'product', p).setAttribute('data-product-id', p));
    }
    const cta = o.cta;
    if (cta && safeUrl(cta.href, 'href')) el<HTMLAnchorElement>(section, 'a', 'cta', tx(cta.label)).href = cta.href;
    // Only a finish seen here is news: a quiz resumed as finished was reported when it finished.
    if (focus) {
      // Answers, scores and the outcome's traits travel with the event, so the profile learns them
      // from it; free text and email answers stay out, as they may be personal.
      const answers: Any = {};
      for (const q of quiz.questions) if (q.id in r.answers && !/text|email/.test(q.type)) answers[q.id] = r.answers[q.id];
      emit('Quiz Completed', { outcome: o.id, products: r.products, tags: r.tags, scores: r.scores, answers, traits: r.traits });
      call(hooks.onResult, r);
      title.focus();
    }
  };

  // Resumed progress was started on an earlier page.
  let started = runner.progress().answered > 0;
  const start = () => {
    const q = runner.current();
    if (started || !q) return;
    started = true;
    emit('Quiz Started', { question_id: q.id });
  };
  // Radios and checkboxes fire `input` too, by mouse or by keyboard.
  box.addEventListener('input', start);
  draw();

  return {
    destroy() {
      dead = true;
      box.remove();
    },
    abandon() {
      const q = runner.current();
      if (q && started && !abandoned) {
        abandoned = true;
        emit('Quiz Abandoned', { question_id: q.id, ...runner.progress() });
      }
    },
  };
}
