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
  /** Resolves once stored data is loaded (at once when nothing may be stored yet). Never rejects. */
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
  /** Listens to `event` or `error`; returns a function that stops listening. */
  on<K extends keyof AttuneEvents>(name: K, listener: (payload: AttuneEvents[K]) => void): () => void;
  /** Stops automatic capture and listening; stored data stays. */
  destroy(): void;
}

/** Code loaded on demand, which each entry provides in its own way. */
export interface Loaders {
  webVitals: () => Promise<WebVitalsModule>;
}

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
        // Only on() must return something callable even then.
        return (name === 'on' ? () => {} : undefined) as R;
      }
    };

  const record = (input: EventInput) => {
    if (recorder.consent() === 'denied') return;
    const { event, errors } = buildEvent(input, recorder.state(), readContext(), Date.now());
    errors.forEach(report);
    if (event) recorder.record(event);
  };
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
    on: emitter.on,
    destroy() {
      engaged?.flush();
      stops.splice(0).forEach((stop) => stop());
    },
  };
  const instance = { ready: recorder.ready() } as Attune & Record<string, unknown>;
  for (const name in api) instance[name] = guard(name, api[name as keyof typeof api] as () => unknown);

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
