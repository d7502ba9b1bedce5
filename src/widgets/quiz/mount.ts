/**
 * Puts quizzes on the page: finds `[data-attune-quiz="<id>"]` elements, reads each
 * quiz (registered in code, inline as a `<script type="application/json">` inside the
 * element, or from the element's `data-src` URL), validates it, resumes saved
 * progress and renders it. A broken quiz renders nothing and is reported once; the
 * page is unaffected. Loaded only on pages that have a quiz.
 */
import { createQuizRunner } from './runner';
import { renderQuiz } from './render';
import { validateQuiz } from './validate';
import type { QuizHandle, QuizProgress } from './types';

/** What the quiz widget needs from the instance. */
export interface QuizHost {
  /** Records the quiz's events. */
  track(event: string, properties: object): void;
  /** Stores traits the visitor gave with their consent (an email address). */
  identify(traits: object): void;
  /** Saved progress of quiz `id`. */
  load(id: string): Promise<QuizProgress | undefined>;
  save(id: string, progress: QuizProgress): void;
  /** A quiz registered in code by id. */
  registered(id: string): unknown;
  /** Draws the outcome's products as cards (without it, their ids are listed). */
  renderProducts?(container: Element, ids: string[]): void;
  fail(code: string, path: string, problem: unknown): void;
  /** Runs `fn` when the page is left, early enough for what it records to be sent. */
  onLeave(fn: () => void): void;
}

// Each element's quiz once it shows; `null` while its JSON is being read, so a second scan skips it.
const mounted = new WeakMap<Element, QuizHandle | null>();

/**
 * Renders `quiz` (JSON, validated here) into `root`, resuming saved progress. Resolves
 * with a handle, or undefined when the quiz has errors (each reported with its path).
 *
 * @example await mountQuiz(document.querySelector('#finder'), quizJson, host)
 */
export async function mountQuiz(root: Element, quiz: unknown, host: QuizHost): Promise<QuizHandle | undefined> {
  const { quiz: valid, problems } = validateQuiz(quiz);
  for (const p of problems) host.fail('quiz-' + (p.severity == 'error' ? 'invalid' : 'warning'), `quiz(${(quiz as { id?: string })?.id})${p.path.slice(1)}`, p.message);
  if (!valid) return;
  const id = valid.id;
  const resume = await host.load(id);
  // After the wait: another mount of this element may have finished meanwhile, and the last one wins.
  mounted.get(root)?.destroy();
  const handle = renderQuiz(root, createQuizRunner(valid, { resume }), {
    onEvent: host.track,
    onProgress: (state) => host.save(id, state),
    onResult: (result) => Object.keys(result.personal).length && host.identify(result.personal),
    renderProducts: host.renderProducts,
  });
  mounted.set(root, handle);
  // Leaving half-way is an abandonment; the renderer ignores it once the quiz is finished.
  host.onLeave(handle.abandon);
  return handle;
}

/**
 * Mounts every `[data-attune-quiz]` element of the page not mounted yet.
 *
 * @example mountQuizzes(host)
 */
export function mountQuizzes(host: QuizHost): Promise<unknown> {
  return Promise.all(
    Array.from(document.querySelectorAll('[data-attune-quiz]'), async (root) => {
      if (mounted.has(root)) return;
      mounted.set(root, null);
      const id = root.getAttribute('data-attune-quiz')!;
      const inline = root.querySelector('script[type="application/json"]');
      const src = root.getAttribute('data-src');
      try {
        // Code first, then the page, then a URL.
        const quiz = host.registered(id) ?? (inline ? JSON.parse(inline.textContent!) : src && (await (await fetch(src)).json()));
        if (!quiz) throw Error('no quiz JSON');
        await mountQuiz(root, quiz, host);
      } catch (error) {
        host.fail('quiz-unavailable', `quiz(${id})`, error);
      }
    }),
  );
}
