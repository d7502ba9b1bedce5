// The public shape of an Attune instance: what `createAttune()` returns, and the
// objects its methods take. The behaviour is in create.ts.
import type { AttuneError } from '../core/errors';
import type { AttuneEvent, Json } from '../core/types';
import type { WebVitalsModule } from '../collect/web-vitals';
import type { Profile } from '../profile/profile';
import type { ConfigProblem } from '../decide/config-types';
import type { DecisionExplain, DecisionReason } from '../decide/engine';
import type { AttuneExport, ConsentState } from './recorder';
import type { QuizModule, RecommendModule, TriggersModule } from './widgets';
import type { Stage2Module } from './stage2';
import type { ConfigValidation } from '../decide/config-types';

/** The full validator the `debug` option loads, to report every problem of a config as `attune check` would. */
export interface ValidatorModule {
  validateConfig(config: unknown): ConfigValidation;
}

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
  /** `holdout` when the visitor is in the placement's or the site-wide control group (reason `holdout`), else `treatment`. */
  group: 'treatment' | 'holdout';
  /** The visitor's segment as far as this placement's statistics go, or null. */
  segment: string | null;
  /** Which condition, bucket or posterior decided. */
  explain: DecisionExplain;
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
  /**
   * Records Segment's `alias`: `previousId` (an earlier user id, or an anonymous id of
   * another system) is the same person as the user `identify()` named, who is kept.
   * Refused before `identify()`.
   */
  alias(previousId: string): void;
  /**
   * Records Segment's `group`: the user belongs to account `groupId`, whose `traits`
   * (industry, employees, plan, …) conditions then read as `account.*`, on this and
   * later visits.
   */
  group(groupId: string, traits?: object): void;
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
  /**
   * Deletes everything Attune holds on this device and starts a new anonymous id.
   * With an endpoint, the collector is asked to erase the old id too (`POST /v1/forget`,
   * proven by the device's erasure secret); the request waits in the outbox until the
   * collector answers, so a collector that is down still gets it once it is back.
   */
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
  /**
   * Mounts the quizzes and renders the recommendation rows (`[data-attune-quiz]`,
   * `[data-attune-recs]`) the page has now, loading their code if needed: for an app
   * that adds such elements after load, outside a route change. Rows already shown
   * render again, without a second "Product List Viewed". Resolves once done.
   */
  mountWidgets(): Promise<void>;
  /** Listens to `event` or `error`; returns a function that stops listening. */
  on<K extends keyof AttuneEvents>(name: K, listener: (payload: AttuneEvents[K]) => void): () => void;
  /** Stops automatic capture and listening; stored data stays. */
  destroy(): void;
}

/** Code loaded on demand, which each entry provides in its own way. */
export interface Loaders {
  /** The second stage (src/api/stage2.ts): sender, pulls, capture, impressions, widgets; loaded after the first paint. */
  stage2: () => Promise<Stage2Module>;
  /** The full config validator, for `debug` (the script tag's `attune.debug.min.js`). */
  validator?: () => Promise<ValidatorModule>;
  webVitals: () => Promise<WebVitalsModule>;
  quiz: () => Promise<QuizModule>;
  recommend: () => Promise<RecommendModule>;
  triggers: () => Promise<TriggersModule>;
}
