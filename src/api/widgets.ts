import type { VariantContent } from '../decide/config-types';
import type { ProfileOptions, ProfileState, Profile } from '../profile/profile';
import type { QuizProgress } from '../widgets/quiz/types';
import type { TriggerMemory, TriggerOptions } from '../recommend/triggers';
import type { Recorder } from './recorder';

/** The quiz widget's module, loaded on pages that have a quiz. */
export type QuizModule = Pick<typeof import('../widgets/quiz/index'), 'mountQuiz' | 'mountQuizzes'>;
/** The recommendation widget's module, loaded on pages that have a row or a catalog. */
export type RecommendModule = Pick<typeof import('../widgets/recommend/index'), 'mountRecommendations'>;
/** The trigger signals' module, loaded on pages with a catalog. */
export type TriggersModule = typeof import('../widgets/recommend/triggers');

/** How long pulled co-occurrence, popularity and a fetched catalog are used before a background refresh. */
export const AGGREGATES_MAX_AGE_MS = 60 * 60_000;

/** What {@link createWidgets} needs from the instance. */
export interface WidgetsOptions {
  recorder: Recorder;
  loaders: { quiz: () => Promise<QuizModule>; recommend: () => Promise<RecommendModule>; triggers: () => Promise<TriggersModule> };
  profile: () => Profile;
  profileOptions: ProfileOptions;
  track: (event: string, properties: object) => void;
  identify: (traits: object) => void;
  fail: (code: string, path: string, problem: unknown) => void;
  /** The backend, for `/v1/cooccurrence` and `/v1/popular`. */
  endpoint?: string;
  catalog?: unknown;
  catalogUrl?: string;
  triggers?: TriggerOptions;
  /** Quizzes registered with `addQuiz()`, by id (shared with the first stage, which registers them). */
  quizzes?: Record<string, unknown>;
}

/**
 * The widgets' side of the instance: loads each widget's code only when the page has
 * one (a quiz, a recommendation row, a catalog), gives it what it needs from the
 * profile, storage and the collector, and mounts it on the page and in slots whose
 * variant shows it. Widgets never change the profile: they record events.
 */
export function createWidgets(o: WidgetsOptions) {
  const { recorder, fail } = o;
  const quizzes: Record<string, unknown> = o.quizzes ?? Object.create(null);
  const modules: { quiz?: Promise<QuizModule>; recommend?: Promise<RecommendModule>; triggers?: Promise<TriggersModule> } = {};
  let catalog = o.catalog;

  const load = <K extends keyof typeof modules>(name: K, use: (m: NonNullable<Awaited<(typeof modules)[K]>>) => unknown) =>
    ((modules[name] ||= o.loaders[name]() as never) as Promise<never>).then(use).catch((error) => fail('load-failed', name, error));

  const quizHost = {
    // A quiz outcome's products as a row of cards, when there is a catalog to draw them from.
    renderProducts:
      o.catalog !== undefined || o.catalogUrl
        ? (container: Element, ids: string[]) => {
            container.setAttribute('data-attune-recs', 'products');
            container.setAttribute('data-product', ids.join(' '));
            container.setAttribute('data-limit', String(ids.length));
            scan();
          }
        : undefined,
    track: o.track,
    identify: o.identify,
    load: (id: string) => recorder.kept<QuizProgress>(`quiz:${id}`),
    save: (id: string, progress: QuizProgress) => recorder.keep(`quiz:${id}`, progress),
    registered: (id: string) => quizzes[id],
    fail,
    onLeave: recorder.onLeave,
  };
  const recommendHost = {
    profile: o.profile,
    catalog: () => (catalog !== undefined || !o.catalogUrl ? Promise.resolve(catalog) : recorder.pull('catalog', o.catalogUrl, AGGREGATES_MAX_AGE_MS)),
    pulled: (name: 'cooccurrence' | 'popular') => (o.endpoint ? recorder.pull(name, undefined, AGGREGATES_MAX_AGE_MS) : Promise.resolve(undefined)),
    track: o.track,
    fail,
  };
  const triggerHost = {
    state: (): ProfileState => recorder.state(),
    track: o.track,
    load: () => recorder.kept<TriggerMemory>('triggers'),
    save: (memory: TriggerMemory) => recorder.keep('triggers', memory),
    options: o.triggers,
  };

  /**
   * Mounts the page's quizzes and renders its recommendation rows, loading their code if
   * the page has any; on a new `view` the rows are seen (and recorded) anew.
   */
  const scan = (view?: boolean): Promise<void> =>
    Promise.all([
      document.querySelector('[data-attune-quiz]') && load('quiz', (m) => m.mountQuizzes(quizHost)),
      // A catalog alone is reason enough: the trigger signals read it.
      (document.querySelector('[data-attune-recs]') || catalog !== undefined || o.catalogUrl) &&
        load('recommend', async (m) => {
          await recorder.ready();
          const products = await m.mountRecommendations(recommendHost, view);
          if (products.length) load('triggers', (t) => t.runTriggers(triggerHost, products));
        }),
    ]).then(() => {});

  return {
    scan,

    /** A variant that shows a widget: it takes the slot's place (templates and inline JSON stay, inert). */
    mountInSlot(slot: Element, content: VariantContent) {
      const keep = Array.from(slot.children).filter((child) => /^(template|script)$/.test(child.localName));
      if ('quiz' in content && content.quiz) {
        slot.replaceChildren(...keep);
        slot.setAttribute('data-attune-quiz', content.quiz);
      } else if ('recommend' in content) {
        slot.replaceChildren(...keep);
        slot.setAttribute('data-attune-recs', content.recommend.strategy);
        slot.setAttribute('data-limit', String(content.recommend.limit ?? 4));
      } else return;
      scan();
    },

    addQuiz(quiz: { id: string }) {
      quizzes[quiz.id] = quiz;
    },
    quiz: (id: string) => quizzes[id],
    mountQuiz: (element: Element, quiz: unknown) => load('quiz', (m) => m.mountQuiz(element, quiz, quizHost)),

    setCatalog(items: unknown) {
      catalog = items;
      scan();
    },
  };
}
