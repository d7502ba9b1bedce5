/** A product of the demo catalog, as the seeder uses it. */
export interface SeedProduct {
  id: string;
  name: string;
  category: string;
  tags: string[];
  price?: number;
}

export interface DemoEventsOptions {
  /** Synthetic visitors (default 300). */
  visitors?: number;
  /** PRNG seed (default 7): the same seed gives the same events and messageIds. */
  seed?: number;
  /** The present, in milliseconds since the epoch (default `Date.now()`); only shifts the timestamps. */
  now?: number;
  /** Default: examples/catalog.json. */
  catalog?: SeedProduct[];
  /** Products with this tag gain interest over the last 7 days (default `winter`). */
  trendTag?: string;
}

/** A Segment-shaped track event as posted to `/v1/batch`. */
export interface SeedEvent {
  type: 'track';
  event: 'Product Viewed' | 'Product Added' | 'Checkout Started' | 'Order Completed';
  properties: Record<string, unknown>;
  anonymousId: string;
  messageId: string;
  timestamp: string;
  context: Record<string, unknown>;
}

export interface SeedResult {
  site: string;
  visitors: number;
  /** Events sent. */
  events: number;
  views: number;
  carts: number;
  orders: number;
  /** Events newly stored by the collector (0 on a second run). */
  stored: number;
  duplicates: number;
  batches: number;
  ms: number;
}

export function createRandom(seed: number): () => number;
export function loadCatalog(file?: string): SeedProduct[];
export function demoEvents(options?: DemoEventsOptions): { events: SeedEvent[]; views: number; carts: number; orders: number };
export function seedDemo(
  collectorUrl: string,
  options?: { visitors?: number; site?: string; seed?: number; now?: number; catalog?: SeedProduct[]; writeKey?: string },
): Promise<SeedResult>;
export function describeSeeding(result: SeedResult): string;
/** Posts events to `/v1/batch?site=…` in batches of at most `maxEvents` (500) events and `maxBytes` (400 KB), with `writeKey` as HTTP Basic when given. */
export function postEvents(
  collectorUrl: string,
  site: string,
  events: readonly unknown[],
  options?: { maxEvents?: number; maxBytes?: number; writeKey?: string },
): Promise<{ stored: number; duplicates: number; batches: number }>;
