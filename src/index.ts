import { createInstance, type Attune } from './api/create';
import { inertInstance } from './api/inert';
import type { AttuneOptions } from './api/options';

/**
 * Creates an Attune instance: it records what the visitor does into IndexedDB and
 * keeps their profile on the device. Nothing it does throws into the page.
 *
 * @example
 * const attune = createAttune({ site: 'shop-1', onError: console.warn });
 * attune.productViewed({ product_id: 'p1', category: 'shoes', price: 59 });
 */
export function createAttune(options?: AttuneOptions): Attune {
  // Server-side rendering (Node, Deno, a worker): an instance that does nothing, and never throws.
  if (typeof window != 'object' || typeof document != 'object' || typeof navigator != 'object') return inertInstance();
  // The second stage and the widgets are reached only through these dynamic imports, so an
  // app's bundler puts each in a chunk of its own, loaded when the page needs it.
  return createInstance(options, {
    stage2: () => import('./api/stage2'),
    // The tag's own $regex check, not redos-detector's: debug output must not pull the full checker into apps.
    validator: () => import('./decide/config'),
    webVitals: () => import('web-vitals'),
    quiz: () => import('./widgets/quiz/index'),
    recommend: () => import('./widgets/recommend/index'),
    triggers: () => import('./widgets/recommend/triggers'),
  });
}

export { evalCondition, KNOWN_OPERATORS, type Condition, type UnknownOperatorHandler } from './decide/condition';
export { hashBucket, chooseByWeights } from './decide/hash';
export { thompsonChoose, banditWeights, mulberry32, type ArmStats, type Random, type ThompsonChoice, type BanditWeightOptions } from './decide/bandit';
export { validateConfig, validateQuiz } from './validate';
export { decidePlacement } from './decide/engine';
export type * from './decide/config-types';
export type { Decision, DecisionExplain, DecisionInput, DecisionReason, BanditExplain, StickyAssignment, WeightRange } from './decide/engine';
export type { Attune, AttuneEvents, Product, Order, PlacementDecision } from './api/create';
// The widgets' own functions (renderQuiz, the models, …) are `attune/quiz` and `attune/recommend`
// (src/entries/): exported from here, their modules would be static imports of this entry, and
// esbuild's code splitting then loads them at start in every app (see src/entries/quiz.ts). Their
// types stay here too: types cost nothing at run time.
export type * from './widgets/quiz/types';
export type { Product as CatalogProduct, CatalogProblem, CatalogValidation } from './recommend/catalog';
export type { RecommendInput, RecommendOptions, Visitor, CooccurrenceTable, Neighbours, Counts, TriggerEvent, TriggerMemory } from './recommend/index';
export type { AttuneOptions, CaptureOptions } from './api/options';
export type { AttuneExport, ConsentState } from './api/recorder';
export type { AttuneError } from './core/errors';
export type { AttuneEvent, EventContext, Json, JsonObject } from './core/types';
export type { Profile, CartItem, ProfileOptions } from './profile/profile';
export type { SessionContext, ReferrerClass, DeviceClass } from './profile/session-context';
export type { RetentionOptions } from './store/event-log';
export type { StorageMode } from './store/database';
