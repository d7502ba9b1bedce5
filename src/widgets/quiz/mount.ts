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
  fail(code: string, path: string, problem: unknown): void;
}

const mounted = new WeakMap<Element, QuizHandle>();
// Elements whose quiz is being read or is shown, so a second scan does not mount it twice.
const claimed = new WeakSet<Element>();

// Where an element's quiz comes from: code first, then the page, then a URL.
async function sourceOf(root: Element, id: string, host: QuizHost): Promise<unknown> {
  const registered = host.registered(id);
  if (registered !== undefined) return registered;
  const inline = root.querySelector('script[type="application/json"]');
  if (inline) return JSON.parse(inline.textContent || '');
  const src = root.getAttribute('data-src');
  if (!src) throw new Error('no quiz: register it, put its JSON inside the element, or give data-src');
  const response = await fetch(src);
  if (!response.ok) throw new Error(`${response.status} from ${src}`);
  return response.json();
}

/**
 * Renders `quiz` (JSON, validated here) into `root`, resuming saved progress. Resolves
 * with a handle, or undefined when the quiz has errors (each reported with its path).
 *
 * @example await mountQuiz(document.querySelector('#finder'), quizJson, host)
 */
export async function mountQuiz(root: Element, quiz: unknown, host: QuizHost): Promise<QuizHandle | undefined> {
  const { quiz: valid, problems } = validateQuiz(quiz);
  const name = (quiz as { id?: unknown })?.id;
  for (const p of problems) host.fail(p.severity == 'error' ? 'quiz-invalid' : 'quiz-warning', `quiz(${typeof name == 'string' ? name : '?'})${p.path.slice(1)}`, p.message);
  if (!valid) return;
  mounted.get(root)?.destroy();
  const resume = await host.load(valid.id);
  const handle = renderQuiz(root, createQuizRunner(valid, { resume }), {
    onEvent: host.track,
    onProgress: (state) => host.save(valid.id, state),
    onResult: (result) => Object.keys(result.personal).length && host.identify(result.personal),
  });
  mounted.set(root, handle);
  // Leaving half-way is an abandonment; the renderer ignores it once the quiz is finished.
  addEventListener('pagehide', handle.abandon, { once: true });
  return handle;
}

/**
 * Mounts every `[data-attune-quiz]` element of the page not mounted yet.
 *
 * @example mountQuizzes(host)
 */
export function mountQuizzes(host: QuizHost): Promise<unknown> {
  const roots = Array.from(document.querySelectorAll('[data-attune-quiz]')).filter((root) => !claimed.has(root));
  return Promise.all(
    roots.map(async (root) => {
      claimed.add(root);
      const id = root.getAttribute('data-attune-quiz') || '';
      try {
        await mountQuiz(root, await sourceOf(root, id, host), host);
      } catch (error) {
        host.fail('quiz-unavailable', `quiz(${id})`, error);
      }
    }),
  );
}
