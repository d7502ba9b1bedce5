import type { AttuneEvent, Json, JsonObject } from '../core/types';
import { sessionContextOf, type SessionContext } from './session-context';

/** How the profile learns; every field has a default. */
export interface ProfileOptions {
  /** Half-life of category and tag affinities, in days. Default 7. */
  affinityHalfLifeDays: number;
  /** Inactivity after which the next event starts a new visit, in minutes. Default 30. */
  sessionTimeoutMinutes: number;
  /** Upper bounds of the `budget` and `mid` price bands. Default [25, 100]. */
  priceBands: [number, number];
}

/** The default {@link ProfileOptions}. */
export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = {
  affinityHalfLifeDays: 7,
  sessionTimeoutMinutes: 30,
  priceBands: [25, 100],
};

/** A decaying score: its value at time `at` (ms). */
interface Decaying {
  score: number;
  at: number;
}

/** One line of the cart. */
export interface CartItem {
  product_id: string;
  quantity: number;
  price: number;
  category?: string;
}

/**
 * What Attune keeps about the visitor, updated by {@link applyEvent}. Stored as
 * is; {@link profileView} turns it into the public {@link Profile}.
 */
export interface ProfileState {
  version: 1;
  anonymousId: string;
  userId?: string;
  firstSeen?: number;
  lastSeen?: number;
  visits: number;
  session?: { id: number; startedAt: number; lastActivityAt: number; pageViews: number; events: number; context: SessionContext };
  pageViews: number;
  events: number;
  counters: Record<string, number>;
  categories: Record<string, Decaying>;
  tags: Record<string, Decaying>;
  prices: { count: number; sum: number; min: number; max: number };
  cart: CartItem[];
  cartUpdatedAt?: number;
  orders: { count: number; revenue: number; firstAt?: number; lastAt?: number };
  recentlyViewed: string[];
  purchased: string[];
  traits: JsonObject;
}

/**
 * The visitor's profile as plain JSON, the names targeting conditions read.
 * Times are ISO strings; affinities are decayed to the moment the view was made.
 */
export interface Profile {
  anonymousId: string;
  userId: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Number of visits (sessions), the current one included. */
  visits: number;
  /** `true` from the second visit on. */
  returning: boolean;
  pageViews: number;
  events: number;
  /** How many times each `track` event name was recorded. */
  counters: Record<string, number>;
  /** Category and tag affinities: views count 1, adds 3, purchases 5, halved every half-life. */
  affinities: { categories: Record<string, number>; tags: Record<string, number> };
  /** The category with the highest affinity, or null. */
  topCategory: string | null;
  /** Up to five tags, highest affinity first. */
  topTags: string[];
  /** Prices of products viewed or added, and the band their average falls in. */
  price: { band: 'budget' | 'mid' | 'premium' | null; average: number | null; min: number | null; max: number | null };
  cart: { items: CartItem[]; count: number; value: number; updatedAt: string | null };
  /** Recency, frequency and monetary figures from completed orders. */
  orders: { count: number; revenue: number; averageValue: number; firstAt: string | null; lastAt: string | null; daysSinceLast: number | null };
  /** Product ids, newest first (at most 20 viewed, 100 purchased). */
  recentlyViewed: string[];
  purchased: string[];
  /** Traits from `identify()`. */
  traits: JsonObject;
  /** The current visit: its campaign, referrer class, device, locale, timezone and local hour. */
  session: (SessionContext & { number: number; startedAt: string; pageViews: number; events: number; localHour: number }) | null;
}

/** A profile with nothing learned yet. */
export function createProfileState(anonymousId: string): ProfileState {
  return {
    version: 1,
    anonymousId,
    visits: 0,
    pageViews: 0,
    events: 0,
    counters: {},
    categories: {},
    tags: {},
    prices: { count: 0, sum: 0, min: Infinity, max: -Infinity },
    cart: [],
    orders: { count: 0, revenue: 0 },
    recentlyViewed: [],
    purchased: [],
    traits: {},
  };
}

const decayed = (value: Decaying, now: number, halfLifeMs: number) =>
  value.score * Math.pow(0.5, Math.max(0, now - value.at) / halfLifeMs);

const num = (value: Json | undefined): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'string' && value.trim() && isFinite(+value) ? +value : undefined;
const str = (value: Json | undefined): string | undefined =>
  typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined;

const AFFINITY_WEIGHT: Record<string, number> = { 'Product Viewed': 1, 'Product Added': 3, 'Order Completed': 5 };

/** Products an e-commerce event is about: its `products` array, or the event itself. */
function productsOf(properties: JsonObject): JsonObject[] {
  const list = properties.products;
  return Array.isArray(list) ? (list.filter((p) => p && typeof p === 'object' && !Array.isArray(p)) as JsonObject[]) : [properties];
}

function learnAffinity(state: ProfileState, product: JsonObject, weight: number, now: number, halfLifeMs: number) {
  const bump = (table: Record<string, Decaying>, key: string) => {
    const old = table[key];
    table[key] = { score: (old ? decayed(old, now, halfLifeMs) : 0) + weight, at: now };
  };
  const category = str(product.category);
  if (category) bump(state.categories, category);
  const tags = product.tags;
  if (Array.isArray(tags)) tags.forEach((tag) => typeof tag === 'string' && tag && bump(state.tags, tag));
}

const pushRecent = (list: string[], id: string, max: number) => {
  const at = list.indexOf(id);
  if (at >= 0) list.splice(at, 1);
  list.unshift(id);
  if (list.length > max) list.length = max;
};

function updateCart(state: ProfileState, name: string, product: JsonObject, now: number) {
  const id = str(product.product_id) ?? str(product.sku);
  if (!id) return;
  const quantity = Math.max(1, num(product.quantity) ?? 1);
  const line = state.cart.find((item) => item.product_id === id);
  if (name === 'Product Added') {
    if (line) line.quantity += quantity;
    else state.cart.push({ product_id: id, quantity, price: num(product.price) ?? 0, ...(str(product.category) && { category: str(product.category) }) });
  } else if (line) {
    line.quantity -= quantity;
    if (line.quantity <= 0) state.cart.splice(state.cart.indexOf(line), 1);
  }
  state.cartUpdatedAt = now;
}

/**
 * Learns from one event, in place and in constant time, so the profile never has
 * to be rebuilt from the log. `now` is the event's own time.
 */
export function applyEvent(state: ProfileState, event: AttuneEvent, options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): void {
  const now = Date.parse(event.timestamp) || 0;
  const halfLifeMs = options.affinityHalfLifeDays * 864e5;
  const campaign = event.context.campaign;
  let session = state.session;
  const campaignChanged = event.type === 'page' && campaign?.name && campaign.name !== session?.context.campaign.name;
  if (!session || now - session.lastActivityAt > options.sessionTimeoutMinutes * 6e4 || campaignChanged) {
    state.visits++;
    session = state.session = {
      id: state.visits,
      startedAt: now,
      lastActivityAt: now,
      pageViews: 0,
      events: 0,
      context: sessionContextOf(event.context),
    };
  }
  session.lastActivityAt = Math.max(session.lastActivityAt, now);
  session.events++;
  state.events++;
  state.firstSeen ??= now;
  state.lastSeen = Math.max(state.lastSeen ?? now, now);
  if (event.userId) state.userId = event.userId;

  if (event.type === 'page') {
    state.pageViews++;
    session.pageViews++;
    return;
  }
  if (event.type === 'identify') {
    Object.assign(state.traits, event.traits);
    return;
  }
  const name = event.event ?? '';
  const properties = event.properties ?? {};
  state.counters[name] = (state.counters[name] ?? 0) + 1;
  const weight = AFFINITY_WEIGHT[name];
  if (!weight && name !== 'Product Removed') return;

  for (const product of productsOf(properties)) {
    if (weight) learnAffinity(state, product, weight, now, halfLifeMs);
    const id = str(product.product_id) ?? str(product.sku);
    const price = num(product.price);
    if (price !== undefined && name !== 'Order Completed') {
      const p = state.prices;
      p.count++;
      p.sum += price;
      p.min = Math.min(p.min, price);
      p.max = Math.max(p.max, price);
    }
    if (name === 'Product Viewed' && id) pushRecent(state.recentlyViewed, id, 20);
    if (name === 'Product Added' || name === 'Product Removed') updateCart(state, name, product, now);
    if (name === 'Order Completed' && id) pushRecent(state.purchased, id, 100);
  }
  if (name === 'Order Completed') {
    const o = state.orders;
    o.count++;
    // Segment's spec: `revenue` excludes shipping and tax; fall back to `total`, then the lines.
    o.revenue += num(properties.revenue) ?? num(properties.total) ?? productsOf(properties).reduce((sum, p) => sum + (num(p.price) ?? 0) * (num(p.quantity) ?? 1), 0);
    o.firstAt ??= now;
    o.lastAt = now;
    state.cart = [];
    state.cartUpdatedAt = now;
  }
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const round = (n: number) => Math.round(n * 1000) / 1000;

/** The public, plain-JSON view of a profile at time `now`. */
export function profileView(state: ProfileState, now: number, options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): Profile {
  const halfLifeMs = options.affinityHalfLifeDays * 864e5;
  const scores = (table: Record<string, Decaying>) => {
    const out: Record<string, number> = {};
    for (const key in table) out[key] = round(decayed(table[key], now, halfLifeMs));
    return out;
  };
  const categories = scores(state.categories);
  const tags = scores(state.tags);
  const ranked = (table: Record<string, number>) => Object.keys(table).sort((a, b) => table[b] - table[a]);
  const p = state.prices;
  const average = p.count ? p.sum / p.count : null;
  const [budget, mid] = options.priceBands;
  const o = state.orders;
  const s = state.session;
  return {
    anonymousId: state.anonymousId,
    userId: state.userId ?? null,
    firstSeen: iso(state.firstSeen),
    lastSeen: iso(state.lastSeen),
    visits: state.visits,
    returning: state.visits > 1,
    pageViews: state.pageViews,
    events: state.events,
    counters: { ...state.counters },
    affinities: { categories, tags },
    topCategory: ranked(categories)[0] ?? null,
    topTags: ranked(tags).slice(0, 5),
    price: {
      band: average === null ? null : average < budget ? 'budget' : average < mid ? 'mid' : 'premium',
      average: average === null ? null : round(average),
      min: p.count ? p.min : null,
      max: p.count ? p.max : null,
    },
    cart: {
      items: state.cart.map((item) => ({ ...item })),
      count: state.cart.reduce((sum, item) => sum + item.quantity, 0),
      value: round(state.cart.reduce((sum, item) => sum + item.quantity * item.price, 0)),
      updatedAt: iso(state.cartUpdatedAt),
    },
    orders: {
      count: o.count,
      revenue: round(o.revenue),
      averageValue: o.count ? round(o.revenue / o.count) : 0,
      firstAt: iso(o.firstAt),
      lastAt: iso(o.lastAt),
      daysSinceLast: o.lastAt === undefined ? null : Math.floor((now - o.lastAt) / 864e5),
    },
    recentlyViewed: [...state.recentlyViewed],
    purchased: [...state.purchased],
    traits: JSON.parse(JSON.stringify(state.traits)),
    session: s ? {
      ...s.context,
      campaign: { ...s.context.campaign },
      referrer: { ...s.context.referrer },
      number: s.id,
      startedAt: iso(s.startedAt)!,
      pageViews: s.pageViews,
      events: s.events,
      localHour: new Date(now).getHours(),
    } : null,
  };
}
