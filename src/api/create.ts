import { attuneError, createReporter } from '../core/errors';
import { createEmitter } from '../core/emitter';
import { buildEvent, type EventInput } from '../core/event';
import { idProblem, MAX_ID_LENGTH } from '../core/limits';
import type { JsonObject } from '../core/types';
import { readContext } from '../collect/context';
import { capturePageViews } from '../collect/page-views';
import { captureClicks } from '../collect/clicks';
import { captureScrollDepth } from '../collect/scroll-depth';
import { captureEngagedTime } from '../collect/engaged-time';
import { captureWebVitals } from '../collect/web-vitals';
import { DEFAULT_RETENTION } from '../store/event-log';
import { DEFAULT_PROFILE_OPTIONS, profileView } from '../profile/profile';
import { createRecorder } from './recorder';
import { initialConsent } from './consent';
import { createDecisions } from './decisions';
import { mountSlots } from '../widgets/multilanding/slots';
import { createWidgets } from './widgets';
import type { AttuneOptions, CaptureOptions } from './options';
import type { Attune, AttuneEvents, Loaders, PlacementDecision } from './attune';

export type * from './attune';
export type { QuizModule, RecommendModule, TriggersModule } from './widgets';

/** How long a config fetched from `configUrl` is used before it is refreshed in the background. */
export const CONFIG_MAX_AGE_MS = 10 * 60_000;

/** How long `ready` waits for a first fetch of the config from `configUrl`, when nothing is cached. */
export const CONFIG_WAIT_MS = 2000;

// What a caller passed, briefly and without throwing (a BigInt or a cycle cannot be stringified).
const shown = (v: unknown) =>
  typeof v == 'string' ? (v.length > 40 ? `${v.length} characters` : JSON.stringify(v)) : typeof v == 'object' && v ? typeof v : String(v);

const failedDecision: PlacementDecision = { variant: null, reason: 'error', group: 'treatment', segment: null, explain: { error: { message: 'internal error', path: 'decide' } } };

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
    fail('invalid-argument', path, `Expected ${expected}, got ${shown(got)}`);
  const profileOptions = { ...DEFAULT_PROFILE_OPTIONS, ...options.profile };
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  const recorder = createRecorder({
    site: String(options.site || 'default'),
    consent: initialConsent(!!options.requireConsent, options.respectPrivacySignals !== false),
    profile: profileOptions,
    retention: { ...DEFAULT_RETENTION, ...options.retention },
    endpoint,
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
    forget: recorder.forget,
    export: recorder.export,
    flush: recorder.flush,
    outboxSize: recorder.outboxSize,
    stats: () => recorder.pulled('stats') ?? null,
    decide(id) {
      if (typeof id !== 'string') return invalid('decide', 'a placement id', id), failedDecision;
      const { variant, reason, group, segment, explain } = decisions.decide(id);
      return { variant, reason, group, segment, explain };
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
    mountWidgets: () => widgets.scan(),
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
    endpoint,
    catalog: options.catalog,
    catalogUrl: options.catalogUrl,
    triggers: options.triggers,
  });

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
    const firstScan = guard('widgets', () => widgets.scan(true));
    if (document.readyState == 'loading') addEventListener('DOMContentLoaded', firstScan, { once: true });
    else firstScan();
  }
  let views = 0;
  const newView = () => {
    if (!views++) return;
    decisions.newView();
    slotPlacements = decisions.placements();
    slots?.rescan();
    widgets.scan(true);
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
