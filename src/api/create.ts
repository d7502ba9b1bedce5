import { attuneError, createReporter } from '../core/errors';
import { createEmitter } from '../core/emitter';
import { buildEvent, type EventInput } from '../core/event';
import { idProblem, MAX_ID_LENGTH } from '../core/limits';
import { createLifecycle } from '../core/lifecycle';
import type { JsonObject } from '../core/types';
import { readContext } from '../collect/context';
import { capturePageViews } from '../collect/page-views';
import { captureClicks } from '../collect/clicks';
import { DEFAULT_RETENTION } from '../store/event-log';
import { DEFAULT_PROFILE_OPTIONS, profileView } from '../profile/profile';
import { createRecorder } from './recorder';
import { initialConsent } from './consent';
import { createDecisions } from './decisions';
import { mountSlots } from '../widgets/multilanding/slots';
import type { AttuneOptions } from './options';
import type { Attune, AttuneEvents, Loaders, PlacementDecision } from './attune';
import type { Stage2 } from './stage2';

export type * from './attune';
export type { QuizModule, RecommendModule, TriggersModule } from './widgets';

/** How long a config fetched from `configUrl` is used before it is refreshed in the background. */
export const CONFIG_MAX_AGE_MS = 10 * 60_000;

/** How long `ready` waits for a first fetch of the config from `configUrl`, when nothing is cached. */
export const CONFIG_WAIT_MS = 2000;

/** How long after the page's `load` the second stage waits for an idle moment before it loads anyway, in ms. */
export const STAGE2_IDLE_MS = 2000;

// What a caller passed, briefly and without throwing (a BigInt or a cycle cannot be stringified).
const shown = (v: unknown) =>
  typeof v == 'string' ? (v.length > 40 ? `${v.length} characters` : JSON.stringify(v)) : typeof v == 'object' && v ? typeof v : String(v);

const failedDecision: PlacementDecision = { variant: null, reason: 'error', group: 'treatment', segment: null, explain: { error: { message: 'internal error', path: 'decide' } } };

/**
 * Builds an instance; the entries choose how on-demand code is loaded. This is the
 * first stage, all the first paint needs: the API, consent, stored state, the config,
 * decisions, slots, events into the log and the outbox, and page views. The rest
 * (src/api/stage2.ts) loads after the page's `load`, once the browser is idle.
 */
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
    fail('invalid-argument', path, `Expected ${expected}, got ${shown(got)}`);
  const profileOptions = { ...DEFAULT_PROFILE_OPTIONS, ...options.profile };
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  const site = String(options.site || 'default');

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
  const lifecycle = createLifecycle((fn) => guard('pagehide', fn));

  // The second stage, loaded once: after `load` and an idle moment, or at once by a call
  // that needs it (`now`). Never before the first paint by itself: a script inserted
  // while the document is parsed may run before the page is painted.
  let stage2: Promise<Stage2 | undefined> | undefined;
  let started: Stage2 | undefined;
  let destroyed = false;
  let loaded: (stage: Stage2 | undefined) => void;
  const whenLoaded = new Promise<Stage2 | undefined>((resolve) => (loaded = resolve));
  const loadStage2 = () => {
    stage2 ||= loaders
      .stage2()
      .then((m) =>
        destroyed
          ? undefined
          : (started = m.startStage2({
              recorder,
              lifecycle,
              site,
              endpoint,
              sync: options.sync ?? {},
              capture: options.capture,
              catalog: options.catalog,
              catalogUrl: options.catalogUrl,
              triggers: options.triggers,
              quizzes,
              loaders,
              profile: () => api.profile(),
              profileOptions,
              track: (event, properties) => instance.track(event, properties),
              identify: (traits) => record({ type: 'identify', traits }),
              path: () => currentPath,
              fail,
            })),
      )
      .catch((error) => void fail('load-failed', 'stage2', error));
    stage2.then(loaded);
    return stage2;
  };
  const later = <R>(use: (stage: Stage2) => R, now?: boolean): Promise<R | undefined> =>
    (now ? loadStage2() : whenLoaded).then((stage) => (stage ? use(stage) : undefined));

  const recorder = createRecorder({
    site,
    consent: initialConsent(!!options.requireConsent, options.respectPrivacySignals !== false),
    profile: profileOptions,
    retention: { ...DEFAULT_RETENTION, ...options.retention },
    endpoint,
    sync: options.sync ?? {},
    fail,
    onCommit: (event) => emitter.emit('event', event),
    lifecycle,
    // A pull with nothing cached (a first visit's config) cannot wait for an idle moment.
    fetchPulled: (url, cached) => later((stage) => stage.fetchPulled(url, cached), true).then((fresh) => fresh ?? Promise.reject(new Error('not loaded'))),
  });

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
  const stops: (() => void)[] = [lifecycle.stop];
  // Quizzes registered before the second stage runs wait here.
  const quizzes: Record<string, unknown> = Object.create(null);

  const api: Omit<Attune, 'ready'> = {
    track,
    page: (properties) => record({ type: 'page', name: document.title, properties }),
    identify(userId, traits) {
      if (userId != null && idProblem(userId, '')) return invalid('identify.userId', `null or a string of 1-${MAX_ID_LENGTH} characters`, userId);
      // Refused consent keeps nothing about the visitor, and who they are least of all.
      if (recorder.consent() === 'denied') return;
      if (userId) recorder.state().userId = userId;
      record({ type: 'identify', traits });
    },
    alias(previousId) {
      if (idProblem(previousId, '')) return invalid('alias.previousId', `a string of 1-${MAX_ID_LENGTH} characters`, previousId);
      // As every event under refused consent: nothing to record, and no fault of the page's.
      if (recorder.consent() === 'denied') return;
      // Segment's alias merges previousId into the user id that is kept, which must be known.
      if (!recorder.state().userId) return invalid('alias', 'identify(userId) first', previousId);
      record({ type: 'alias', previousId });
    },
    group(groupId, traits) {
      if (idProblem(groupId, '')) return invalid('group.groupId', `a string of 1-${MAX_ID_LENGTH} characters`, groupId);
      record({ type: 'group', groupId, traits });
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
    // The erasure request to the collector is the second stage's; without it, the device is still wiped.
    forget: async () => {
      const stage = recorder.syncs ? await loadStage2() : undefined;
      await (stage ? stage.forget() : recorder.wipe());
    },
    export: recorder.export,
    async flush() {
      if (recorder.syncs) await loadStage2();
      await recorder.flush();
    },
    outboxSize: recorder.outboxSize,
    stats: () => recorder.pulled('stats') ?? null,
    decide(id) {
      if (typeof id !== 'string') return invalid('decide', 'a placement id', id), failedDecision;
      const { variant, reason, group, segment, explain } = decisions.decide(id);
      return { variant, reason, group, segment, explain };
    },
    viewed: (id) => decisions.viewed(String(id)),
    setConfig(config) {
      let raw: unknown;
      try {
        raw = typeof config == 'string' ? JSON.parse(config) : config;
      } catch (error) {
        fail('config-invalid', 'config', `Not valid JSON: ${(error as Error).message}`);
        return [{ path: '$', message: 'not valid JSON', severity: 'error' }];
      }
      // Under debug, the full validator (an add-on) reports every problem, as `attune check` would.
      if (options.debug && loaders.validator)
        loaders.validator().then((m) => decisions.reportProblems(m.validateConfig(raw).problems), (error) => fail('load-failed', 'debug', error));
      return decisions.setConfig(raw);
    },
    setStats: decisions.setStats,
    addQuiz(quiz) {
      const id = (quiz as { id?: unknown })?.id;
      if (typeof id !== 'string' || !id) return invalid('addQuiz', 'a quiz with an id', id);
      quizzes[id] = quiz;
    },
    async mountQuiz(element, quiz) {
      if (!(element instanceof Element)) return invalid('mountQuiz.element', 'an element', String(element));
      const json = typeof quiz === 'string' ? quizzes[quiz] : quiz;
      if (json === undefined) return invalid('mountQuiz.quiz', 'a registered quiz id or a quiz', quiz);
      await later((stage) => stage.widgets.mountQuiz(element, json), true);
    },
    catalog: (items) => void later((stage) => stage.widgets.setCatalog(items), true),
    mountWidgets: () => later((stage) => stage.widgets.scan(), true).then(() => {}),
    on: emitter.on,
    destroy() {
      destroyed = true;
      started?.stop();
      stops.splice(0).forEach((stop) => stop());
    },
  };

  const instance = {} as Attune & Record<string, unknown>;
  for (const name of Object.keys(api)) instance[name] = guard(name, api[name as keyof typeof api] as () => unknown);

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
          // Impressions are the second stage's: a slot decided before it loads is watched from then on.
          watch(el, seen) {
            let cancel: (() => void) | undefined;
            let cancelled = false;
            later((stage) => cancelled || (cancel = stage.watch(el, seen)));
            return () => ((cancelled = true), cancel?.());
          },
          ready,
          configPending: () => configPending,
          mount: (slot, content) => void later((stage) => stage.widgets.mountInSlot(slot, content)),
          fail,
        })
      : undefined,
  )();
  if (slots) stops.push(slots.stop);
  let views = 0;
  const newView = () => {
    if (!views++) return;
    decisions.newView();
    slotPlacements = decisions.placements();
    slots?.rescan();
    started?.newView();
  };

  let currentPath = location.pathname;
  guard('capture', () => {
    if (options.capture !== false && options.capture?.pageViews !== false) {
      stops.push(
        capturePageViews(() => {
          // The engaged time and scroll depth so far belong to the page being left.
          started?.leaveView();
          currentPath = location.pathname;
          newView();
          instance.page();
        }),
      );
    }
    // Tracked clicks are the tag's, not the second stage's: a click on a tracked link made
    // before the second stage runs leaves the page, and would be lost with it.
    if (options.capture !== false && options.capture?.clicks !== false) stops.push(captureClicks(instance.track));
    // After `load`, at an idle moment (or STAGE2_IDLE_MS later), the second stage.
    const idle = () => {
      const onIdle = (self as { requestIdleCallback?: (fn: () => void, options: object) => void }).requestIdleCallback;
      onIdle ? onIdle(loadStage2, { timeout: STAGE2_IDLE_MS }) : setTimeout(loadStage2, 0);
    };
    if (document.readyState == 'complete') idle();
    else addEventListener('load', idle, { once: true });
  })();
  return instance;
}

export type { JsonObject };
