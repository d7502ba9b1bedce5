/** The parts of the SDK's public entries the simulation drives (`attune`, `attune/quiz`, `attune/recommend`: built, or their sources). */
export interface SimulationSdk {
  validateConfig(config: unknown): { config: unknown; problems: { path: string; message: string; severity: 'error' | 'warning' }[] };
  validateQuiz(quiz: unknown): { quiz: unknown };
  validateCatalog(catalog: unknown): { products: unknown[] };
  decidePlacement(placement: never, input: never): unknown;
  evalCondition(condition: never, attributes: unknown): boolean;
  hashBucket(seed: string, id: string): number;
  createQuizRunner(quiz: never): unknown;
  forYou(input: never, options?: never): unknown[];
  similar(input: never, productId: string, options?: never): unknown[];
  recentlyViewed(input: never, options?: never): unknown[];
}

/** The demo's real config, quiz and catalog, as JSON. */
export interface DemoSetup {
  config: unknown;
  quiz: unknown;
  catalog: unknown;
}

export interface SimulationOptions {
  sdk: SimulationSdk;
  /** Simulated visitors (default 4000). */
  visitors?: number;
  /** PRNG seed (default 13); messageIds and anonymousIds name it. */
  seed?: number;
  /** Any time in the UTC day the history ends before (default now). */
  today?: number;
  /** Whole UTC days the visitors arrive over, ending the day before `today` (default 28). */
  days?: number;
  /** Default: {@link loadDemoSetup}. */
  setup?: DemoSetup;
}

/** What a simulation did. */
export interface SimulationFigures {
  visitors: number;
  visits: number;
  /** Visitors in a holdout (the placement's or the site-wide one) at their first visit. */
  holdout: number;
  quizzesStarted: number;
  quizzesCompleted: number;
  carts: number;
  orders: number;
  revenue: number;
  /** Start of the first simulated UTC day, and of `today` (the end, exclusive), in ms. */
  from: number;
  to: number;
}

/** A Segment-shaped event as the SDK sends it. */
export interface SimulatedEvent {
  type: 'track' | 'page';
  event?: string;
  name?: string;
  properties: Record<string, unknown>;
  anonymousId: string;
  messageId: string;
  timestamp: string;
  context: Record<string, unknown>;
}

export interface SimulationResult extends SimulationFigures {
  site: string;
  /** Events sent. */
  events: number;
  /** Events newly stored (0 on a re-run). */
  stored: number;
  duplicates: number;
  batches: number;
  simulatedMs: number;
  ms: number;
}

export const GROUND_TRUTH: {
  readonly cartRate: { readonly default: number; readonly 'new-season': number; readonly 'free-repairs': number; readonly targeted: number };
  readonly quizBoost: number;
  readonly orderRate: number;
  readonly campaignShare: number;
  readonly returnRate: number;
  readonly returnAfterQuiz: number;
  readonly quizRate: number;
  readonly quizLeaveRate: number;
};
export function loadDemoSetup(dir?: string): DemoSetup;
export function simulateVisitors(options: SimulationOptions): SimulationFigures & { events: SimulatedEvent[] };
/** `writeKey`: the site's write key, for a collector with a sites file. */
export function seedSimulation(collectorUrl: string, options: SimulationOptions & { site?: string; writeKey?: string }): Promise<SimulationResult>;
export function describeSimulation(result: SimulationResult): string;
/** The built SDK's public entries (`dist/index.mjs`, `dist/quiz.mjs`, `dist/recommend.mjs`) in one object. */
export function importBuiltSdk(root: string): Promise<SimulationSdk>;
