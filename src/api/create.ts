import { attuneError, createReporter, type AttuneError } from '../core/errors';
import { createEmitter } from '../core/emitter';
import { buildEvent, type EventInput } from '../core/event';
import type { AttuneEvent, Json, JsonObject } from '../core/types';
import { readContext } from '../collect/context';
import { capturePageViews } from '../collect/page-views';
import { captureClicks } from '../collect/clicks';
import { captureScrollDepth } from '../collect/scroll-depth';
import { captureEngagedTime } from '../collect/engaged-time';
import { captureWebVitals, type WebVitalsModule } from '../collect/web-vitals';
import { DEFAULT_RETENTION } from '../store/event-log';
import { DEFAULT_PROFILE_OPTIONS, profileView, type Profile } from '../profile/profile';
import { createRecorder, type AttuneExport, type ConsentState } from './recorder';
import { initialConsent } from './consent';
import { createDecisions } from './decisions';
import { mountSlots } from '../widgets/multilanding/slots';
import type { ConfigProblem, VariantContent } from '../decide/config-types';
import { createWidgets, type QuizModule, type RecommendModule } from './widgets';

export type { QuizModule, RecommendModule };
import type { DecisionExplain, DecisionReason } from '../decide/engine';
import type { AttuneOptions, CaptureOptions } from './options';

/** A product, with the property names of Segment's e-commerce spec plus `tags`. */
export interface Product {
  product_id?: string;
  sku?: string;
  name?: string;
  category?: string;
  tags?: string[];
  price?: number;
  quantity?: number;
  [property: string]: unknown;
}

/** An order, as Segment's "Order Completed" spec names its properties. */
export interface Order {
  order_id?: string;
  total?: number;
  revenue?: number;
  currency?: string;
  products?: Product[];
  [property: string]: unknown;
}

/** Which variant of a placement the visitor sees, and why. */
export interface PlacementDecision {
  /** The variant id; null when the placement is unknown or has no variants (the page's markup stays). */
  variant: string | null;
  reason: DecisionReason;
  /** The visitor's segment as far as this placement's statistics go, or null. */
  segment: string | null;
  /** Which condition, bucket or posterior decided. */
  explain: DecisionExplain;
}

/** How long a config fetched from `configUrl` is used before it is refreshed in the background. */
export const CONFIG_MAX_AGE_MS = 10 * 60_000;

/** How long `ready` waits for a first fetch of the config from `configUrl`, when nothing is cached. */
export const CONFIG_WAIT_MS = 2000;

/** What `on()` can listen to. */
export interface AttuneEvents {
  /** Every event, once it is recorded. */
  event: AttuneEvent;
  /** Every problem, as `onError` hears it. */
  error: AttuneError;
  [name: string]: unknown;
}

/** An Attune instance. No method throws into the page. */
export interface Attune {
  /**
   * Resolves once stored data is loaded (at once when nothing may be stored yet), and
   * the config from `configUrl` with it (a first fetch is waited for 2 s at most). Never rejects.
   */
  ready: Promise<void>;
  /** Records a `track` event. */
  track(event: string, properties?: object): void;
  /** Records a `page` event for the current page; automatic capture usually does this. */
  page(properties?: object): void;
  /** Ties the visitor to a user id (or `null` to keep them anonymous) and records traits. */
  identify(userId: string | null, traits?: object): void;
  /** Records "Product Viewed". */
  productViewed(product: Product): void;
  /** Records "Product Added" (to the cart). */
  productAdded(product: Product): void;
  /** Records "Product Removed" (from the cart). */
  productRemoved(product: Product): void;
  /** Records "Checkout Started". */
  checkoutStarted(order?: Order): void;
  /** Records "Order Completed". */
  orderCompleted(order: Order): void;
  /** The visitor's profile, synchronously from memory. */
  profile(): Profile;
  /** Sets consent (`'granted'` or `'denied'`) and returns the state now; without an argument, only returns it. */
  consent(state?: 'granted' | 'denied'): ConsentState;
  /** Deletes everything Attune holds on this device and starts a new anonymous id. */
  forget(): Promise<void>;
  /** Everything Attune holds on this device, as JSON. */
  export(): Promise<AttuneExport | undefined>;
  /** Resolves once every event recorded so far is stored, and starts sending them. */
  flush(): Promise<void>;
  /** How many events wait to be sent to the backend (0 without one). */
  outboxSize(): Promise<number>;
  /** Per placement, variant and segment results across all visitors, as last pulled from the backend; null before. */
  stats(): Json | null;
  /**
   * Which variant of placement `id` the visitor sees, synchronously, decided once per
   * page view. Sticky choices are stored. Does not record an impression: slots do that
   * when they are seen, and code that renders a placement itself calls `viewed(id)`.
   */
  decide(id: string): PlacementDecision;
  /** Records "Variant Viewed" for the placement's current decision, once per page view. */
  viewed(id: string): void;
  /** Replaces the site config; returns every problem found (each is also reported). */
  setConfig(config: unknown): ConfigProblem[];
  /**
   * Uses these bandit statistics, in the collector's `/v1/stats` shape or the config's
   * `stats` shape, instead of pulled ones; `null` goes back to the pulled ones.
   */
  setStats(stats: unknown): void;
  /** Registers a quiz (JSON, see docs/quiz.md) for `[data-attune-quiz="<id>"]` elements and placements that show it. */
  addQuiz(quiz: object): void;
  /**
   * Renders a quiz into `element`: a registered quiz's id, or the quiz's JSON. Problems
   * are reported with their JSON path and a broken quiz renders nothing. Resolves once shown.
   */
  mountQuiz(element: Element, quiz: string | object): Promise<void>;
  /**
   * Sets the product catalog recommendation rows rank from (see docs/recommend.md);
   * bad items are reported with their JSON path and skipped. Rows on the page render again.
   */
  catalog(items: unknown): void;
  /** Listens to `event` or `error`; returns a function that stops listening. */
  on<K extends keyof AttuneEvents>(name: K, listener: (payload: AttuneEvents[K]) => void): () => void;
  /** Stops automatic capture and listening; stored data stays. */
  destroy(): void;
}

/** Code loaded on demand, which each entry provides in its own way. */
export interface Loaders {
  webVitals: () => Promise<WebVitalsModule>;
  quiz: () => Promise<QuizModule>;
  recommend: () => Promise<RecommendModule>;
}

const failedDecision: PlacementDecision = { variant: null, reason: 'error', segment: null, explain: { error: { message: 'internal error', path: 'decide' } } };

/** Builds an instance; the entries choose how on-demand code is loaded. */
export function createInstance(options: AttuneOptions = {}, loaders: Loaders): Attune {
  const emitter = createEmitter<AttuneEvents>((error) => fail('listener', 'on', error));
  const onError = options.onError;
  const report = createReporter((error) => {
    onError?.(error);
    emitter.emit('error', error);
  }, !!options.debug);
  const fail = (code: string, path: string, problem: unknown) =>
    report(attuneError(code, path, String((problem as Error)?.message ?? problem)));
  const invalid = (path: string, expected: string, got: unknown) =>
    fail('invalid-argument', path, `Expected ${expected}, got ${JSON.stringify(got)}`);
  const profileOptions = { ...DEFAULT_PROFILE_OPTIONS, ...options.profile };
  const recorder = createRecorder({
    site: String(options.site || 'default'),
    consent: initialConsent(!!options.requireConsent, options.respectPrivacySignals !== false),
    profile: profileOptions,
    retention: { ...DEFAULT_RETENTION, ...options.retention },
    endpoint: options.endpoint?.replace(/\/+$/, ''),
    sync: options.sync ?? {},
    fail,
    onCommit: (event) => emitter.emit('event', event),
  });

  // Every public method runs inside this, and so does every callback from the
  // page, so a bug or bad input becomes a report, never a throw or a rejection.
  const guard =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        const result = fn(...args);
        return result instanceof Promise ? (result.catch((error) => void fail('internal', name, error)) as R) : result;
      } catch (error) {
        fail('internal', name, error);
        // on() must still return something callable, and decide() a decision.
        return (name === 'on' ? () => {} : name === 'decide' ? failedDecision : name === 'setConfig' ? [] : undefined) as R;
      }
    };

  const record = (input: EventInput) => {
    if (recorder.consent() === 'denied') return;
    const { event, errors } = buildEvent(input, recorder.state(), readContext(), Date.now());
    errors.forEach(report);
    if (event) {
      recorder.record(event);
      decisions.observe(event);
    }
  };
  const decisions = createDecisions({ recorder, profile: profileOptions, fail, track: (event, properties) => record({ type: 'track', event, properties }) });
  const track = (event: string, properties?: object) =>
    typeof event === 'string' && event.trim() ? record({ type: 'track', event, properties }) : invalid('track.event', 'a name', event);
  const commerce = (event: string) => (properties?: object) => track(event, properties);
  let engaged: ReturnType<typeof captureEngagedTime> | undefined;
  const stops: (() => void)[] = [];

  const api: Omit<Attune, 'ready'> = {
    track,
    page: (properties) => record({ type: 'page', name: document.title, properties }),
    identify(userId, traits) {
      if (userId != null && (typeof userId !== 'string' || !userId)) return invalid('identify.userId', 'a string or null', userId);
      if (userId) recorder.state().userId = userId;
      record({ type: 'identify', traits });
    },
    productViewed: commerce('Product Viewed'),
    productAdded: commerce('Product Added'),
    productRemoved: commerce('Product Removed'),
    checkoutStarted: commerce('Checkout Started'),
    orderCompleted: commerce('Order Completed'),
    profile: () => profileView(recorder.state(), Date.now(), profileOptions),
    consent(state) {
      if (state === 'granted' || state === 'denied') recorder.setConsent(state);
      else if (state !== undefined) invalid('consent', '"granted" or "denied"', state);
      return recorder.consent();
    },
    forget: recorder.forget,
    export: recorder.export,
    flush: recorder.flush,
    outboxSize: recorder.outboxSize,
    stats: () => recorder.pulled('stats') ?? null,
    decide(id) {
      if (typeof id !== 'string') return invalid('decide', 'a placement id', id), failedDecision;
      const { variant, reason, segment, explain } = decisions.decide(id);
      return { variant, reason, segment, explain };
    },
    viewed: (id) => decisions.viewed(String(id)),
    setConfig(config) {
      try {
        return decisions.setConfig(typeof config == 'string' ? JSON.parse(config) : config);
      } catch (error) {
        // Only JSON.parse throws here.
        fail('config-invalid', 'config', `Not valid JSON: ${(error as Error).message}`);
        return [{ path: '$', message: 'not valid JSON', severity: 'error' }];
      }
    },
    setStats: decisions.setStats,
    addQuiz(quiz) {
      const id = (quiz as { id?: unknown })?.id;
      if (typeof id !== 'string' || !id) return invalid('addQuiz', 'a quiz with an id', id);
      widgets.addQuiz(quiz as { id: string });
    },
    async mountQuiz(element, quiz) {
      if (!(element instanceof Element)) return invalid('mountQuiz.element', 'an element', String(element));
      const json = typeof quiz === 'string' ? widgets.quiz(quiz) : quiz;
      if (json === undefined) return invalid('mountQuiz.quiz', 'a registered quiz id or a quiz', quiz);
      await widgets.mountQuiz(element, json);
    },
    catalog: (items) => widgets.setCatalog(items),
    on: emitter.on,
    destroy() {
      engaged?.flush();
      stops.splice(0).forEach((stop) => stop());
    },
  };
  const widgets = createWidgets({
    recorder,
    loaders,
    profile: () => api.profile(),
    profileOptions,
    track: (event, properties) => instance.track(event, properties),
    identify: (traits) => record({ type: 'identify', traits }),
    fail,
    endpoint: options.endpoint?.replace(/\/+$/, ''),
    catalog: options.catalog,
    catalogUrl: options.catalogUrl,
  });

  const instance = {} as Attune & Record<string, unknown>;
  for (const name in api) instance[name] = guard(name, api[name as keyof typeof api] as () => unknown);

  if (options.config != null) instance.setConfig(options.config);
  const configUrl = options.configUrl;
  // A config that arrives during a view is used by decide() at once, and by the
  // slots from the next view, so a visible default is never swapped.
  let slotPlacements = decisions.placements();
  const configRead =
    configUrl && options.config == null
      ? recorder
          .pull('config', configUrl, CONFIG_MAX_AGE_MS)
          .then((body) => body !== undefined && instance.setConfig(body))
          .catch((error) => fail('internal', 'configUrl', error))
      : undefined;
  let configPending = !!configRead;
  // A first fetch of the config is waited for, but never for long: a hanging server must not hold `ready`.
  const ready = (instance.ready = Promise.all([
    recorder.ready(),
    configRead && Promise.race([configRead, new Promise((resolve) => setTimeout(resolve, CONFIG_WAIT_MS))]),
  ]).then(() => {
    configPending = false;
    slotPlacements = decisions.placements();
  }));
  const slots = guard('slots', () =>
    typeof document == 'object' && options.slots !== false
      ? mountSlots({
          placements: () => slotPlacements,
          decide: instance.decide as (id: string) => ReturnType<typeof decisions.decide>,
          viewed: instance.viewed,
          ready,
          configPending: () => configPending,
          mount: widgets.mountInSlot,
          fail,
        })
      : undefined,
  )();
  if (slots) stops.push(slots.stop);
  // Quizzes and recommendation rows in the page's markup: once it is parsed.
  if (typeof document == 'object') {
    if (document.readyState == 'loading') addEventListener('DOMContentLoaded', guard('widgets', widgets.scan), { once: true });
    else guard('widgets', widgets.scan)();
  }
  let views = 0;
  const newView = () => {
    if (!views++) return;
    decisions.newView();
    slotPlacements = decisions.placements();
    slots?.rescan();
    widgets.scan();
  };

  let currentPath = location.pathname;
  const captures = (kind: keyof CaptureOptions) => options.capture !== false && options.capture?.[kind] !== false;
  guard('capture', () => {
    if (captures('engagedTime')) {
      engaged = captureEngagedTime((ms) => instance.track('Page Engaged', { engaged_ms: Math.round(ms), path: currentPath }));
      stops.push(engaged.stop);
      addEventListener('pagehide', guard('pagehide', engaged.flush));
    }
    const scroll = captures('scrollDepth')
      ? captureScrollDepth((depth) => instance.track('Scroll Depth Reached', { depth, path: currentPath }))
      : undefined;
    if (scroll) stops.push(scroll.stop);
    if (captures('pageViews')) {
      stops.push(
        capturePageViews(() => {
          // The engaged time and scroll depth so far belong to the page being left.
          engaged?.flush();
          scroll?.reset();
          currentPath = location.pathname;
          newView();
          instance.page();
        }),
      );
    }
    if (captures('clicks')) stops.push(captureClicks(instance.track));
    if (captures('webVitals')) {
      captureWebVitals(loaders.webVitals, (vital) => instance.track('Web Vital Measured', vital), (error) =>
        fail('load-failed', 'capture.webVitals', error),
      );
    }
  })();
  return instance;
}

export type { JsonObject };
