import { attuneError, createReporter, type AttuneError } from '../core/errors';
import { createEmitter } from '../core/emitter';
import { buildEvent, type EventInput } from '../core/event';
import type { AttuneEvent, JsonObject } from '../core/types';
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
  /** Resolves once stored data is loaded (or at once when nothing may be stored). Never rejects. */
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
  /** Resolves once every event recorded so far is stored. */
  flush(): Promise<void>;
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
  const emitter = createEmitter<AttuneEvents>((error) => report(attuneError('listener', 'on', String(error))));
  const onError = options.onError;
  const report = createReporter((error) => {
    onError?.(error);
    emitter.emit('error', error);
  }, !!options.debug);
  const profileOptions = { ...DEFAULT_PROFILE_OPTIONS, ...options.profile };
  const recorder = createRecorder({
    site: String(options.site || 'default'),
    consent: initialConsent(!!options.requireConsent, options.respectPrivacySignals !== false),
    profile: profileOptions,
    retention: { ...DEFAULT_RETENTION, ...options.retention },
    report,
    onCommit: (event) => emitter.emit('event', event),
  });

  // Every public call runs inside this, so a bug or bad input becomes a report, not a throw.
  const guard =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R, fallback?: R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (error) {
        report(attuneError('internal', name, String((error as Error)?.message ?? error)));
        return fallback as R;
      }
    };

  const record = (input: EventInput) => {
    if (recorder.consent() === 'denied') return;
    const state = recorder.state();
    const { event, errors } = buildEvent(input, state, readContext(), Date.now());
    errors.forEach(report);
    if (event) recorder.record(event);
  };
  const trackEvent = (event: string, properties?: unknown) => {
    if (typeof event !== 'string' || !event.trim()) {
      return report(attuneError('invalid-argument', 'track.event', `Event name must be a non-empty string, got ${JSON.stringify(event)}`));
    }
    record({ type: 'track', event, properties });
  };

  let currentPath = location.pathname;
  const stops: (() => void)[] = [];
  const capture: CaptureOptions = options.capture === false ? {} : { pageViews: true, clicks: true, scrollDepth: true, engagedTime: true, webVitals: true, ...options.capture };
  const engaged = capture.engagedTime
    ? captureEngagedTime((ms) => trackEvent('Page Engaged', { engaged_ms: Math.round(ms), path: currentPath }))
    : undefined;
  const scroll = capture.scrollDepth
    ? captureScrollDepth((depth) => trackEvent('Scroll Depth Reached', { depth, path: currentPath }))
    : undefined;
  const page = guard('page', (properties?: object) => record({ type: 'page', name: document.title, properties }));

  guard('capture', () => {
    if (engaged) stops.push(engaged.stop);
    if (scroll) stops.push(scroll.stop);
    if (capture.pageViews) {
      stops.push(
        capturePageViews(() => {
          engaged?.flush();
          scroll?.reset();
          currentPath = location.pathname;
          page();
        }),
      );
    }
    if (capture.clicks) stops.push(captureClicks(trackEvent));
    if (capture.webVitals) {
      captureWebVitals(loaders.webVitals, (vital) => trackEvent('Web Vital Measured', vital), (error) =>
        report(attuneError('load-failed', 'capture.webVitals', `web-vitals could not be loaded: ${String(error)}`)),
      );
    }
  })();

  const product = (name: string) => guard(name, (item: Product) => trackEvent(name, item));
  const instance: Attune = {
    ready: recorder.ready().then(() => {}),
    track: guard('track', trackEvent),
    page,
    identify: guard('identify', (userId: string | null, traits?: object) => {
      if (userId != null && (typeof userId !== 'string' || !userId)) {
        return report(attuneError('invalid-argument', 'identify.userId', `User id must be a non-empty string or null, got ${JSON.stringify(userId)}`));
      }
      if (userId) recorder.state().userId = userId;
      record({ type: 'identify', traits });
    }),
    productViewed: product('Product Viewed'),
    productAdded: product('Product Added'),
    productRemoved: product('Product Removed'),
    checkoutStarted: guard('checkoutStarted', (order?: Order) => trackEvent('Checkout Started', order)),
    orderCompleted: guard('orderCompleted', (order: Order) => trackEvent('Order Completed', order)),
    profile: guard('profile', () => profileView(recorder.state(), Date.now(), profileOptions)),
    consent: guard(
      'consent',
      (state?: 'granted' | 'denied') => {
        if (state === 'granted' || state === 'denied') recorder.setConsent(state);
        else if (state !== undefined) report(attuneError('invalid-argument', 'consent', `Consent must be "granted" or "denied", got ${JSON.stringify(state)}`));
        return recorder.consent();
      },
      'denied' as ConsentState,
    ),
    forget: guard('forget', () => recorder.forget().catch((e) => report(attuneError('internal', 'forget', String(e)))), Promise.resolve()),
    export: guard('export', () => recorder.export().catch((e) => void report(attuneError('internal', 'export', String(e)))), Promise.resolve(undefined)),
    flush: guard('flush', () => recorder.flush(), Promise.resolve()),
    on: guard('on', emitter.on, () => {}),
    destroy: guard('destroy', () => {
      engaged?.flush();
      stops.splice(0).forEach((stop) => stop());
    }),
  };
  addEventListener('pagehide', () => engaged?.flush());
  return instance;
}

export type { JsonObject };
