import type { AttuneEvent, Json, JsonObject } from '../core/types';
import { sessionContextOf, type SessionContext } from './session-context';
import { copyJson } from '../core/json';
import { assignOwn, own, put } from '../core/own';

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

/** One line of the cart. */
export interface CartItem {
  product_id: string;
  quantity: number;
  price: number;
  category?: string;
}

/** The current visit. Times are milliseconds since the epoch. */
export interface Session extends SessionContext {
  /** 1 for the first visit, 2 for the second, … */
  number: number;
  startedAt: number;
  lastActivityAt: number;
  pageViews: number;
  events: number;
}

/**
 * What Attune stores about the visitor, learned incrementally by {@link applyEvent}.
 * Times are milliseconds since the epoch. Affinities are kept as a score at a time
 * so they can decay; {@link profileView} reads them at the present moment.
 */
export interface ProfileState {
  version: 1;
  anonymousId: string;
  userId?: string;
  firstSeen?: number;
  lastSeen?: number;
  /** Number of visits (sessions, 30-minute inactivity rule), the current one included. */
  visits: number;
  session?: Session;
  pageViews: number;
  events: number;
  /** How many times each `track` event name was recorded. */
  counters: Record<string, number>;
  /** Category and tag affinities as `[score, at]`: views count 1, adds 3, purchases 5. */
  scores: { categories: Record<string, [number, number]>; tags: Record<string, [number, number]> };
  /** Prices of products viewed or added: how many, their sum, the lowest and highest. */
  prices: { count: number; sum: number; min?: number; max?: number };
  cart: { items: CartItem[]; updatedAt?: number };
  /** Completed orders: the raw figures of recency, frequency and monetary value. */
  orders: { count: number; revenue: number; firstAt?: number; lastAt?: number };
  /** Product ids, newest first: at most 20 viewed, 100 purchased. */
  recentlyViewed: string[];
  purchased: string[];
  /** Traits from `identify()`, and the traits of quiz outcomes. */
  traits: JsonObject;
  /**
   * The account (company) from the latest `group()`: its traits and its `id`, which
   * conditions read as `account.industry`, `account.plan`, `account.id`, …
   */
  account?: JsonObject;
  /** Finished quizzes by quiz id: the latest outcome, its tags and scores, and when. */
  quizzes?: Record<string, QuizOutcomeState>;
}

/** What the profile keeps of a finished quiz ("Quiz Completed"). */
export interface QuizOutcomeState {
  outcome: string;
  /** Answers by question id (choices, ratings and numbers; free text and emails are not kept). */
  answers: JsonObject;
  tags: string[];
  scores: Record<string, number>;
  at: number;
}

/**
 * The visitor's profile as plain JSON: the stored state without its raw scores,
 * plus what is derived at the present moment. These are the names targeting
 * conditions read (`affinities.categories.shoes`, `session.campaign.name`, …).
 */
export type Profile = Omit<ProfileState, 'version' | 'scores' | 'session'> & {
  /** `true` from the second visit on. */
  returning: boolean;
  /** Decayed affinities, halved every half-life. */
  affinities: { categories: Record<string, number>; tags: Record<string, number> };
  /** The category with the highest affinity, or null. */
  topCategory: string | null;
  /** Up to five tags, highest affinity first. */
  topTags: string[];
  /** The band the average price falls in, from `priceBands`. */
  priceBand: 'budget' | 'mid' | 'premium' | null;
  cart: { count: number; value: number };
  orders: { averageValue: number; daysSinceLast: number | null };
  /** The current visit, with the visitor's local hour now. */
  session: (Session & { localHour: number }) | null;
};

/** A profile with nothing learned yet. */
export const createProfileState = (anonymousId: string): ProfileState => ({
  version: 1,
  anonymousId,
  visits: 0,
  pageViews: 0,
  events: 0,
  counters: {},
  scores: { categories: {}, tags: {} },
  prices: { count: 0, sum: 0 },
  cart: { items: [] },
  orders: { count: 0, revenue: 0 },
  recentlyViewed: [],
  purchased: [],
  traits: {},
});

const decay = ([score, at]: [number, number], now: number, halfLifeDays: number) =>
  score * Math.pow(0.5, Math.max(0, now - at) / (halfLifeDays * 864e5));

const num = (value: Json | undefined) => (value != null && value !== '' && isFinite(+value) ? +value : undefined);
const str = (value: Json | undefined) => (typeof value === 'string' || typeof value === 'number' ? String(value) || undefined : undefined);

const AFFINITY_WEIGHT: Record<string, number> = { 'Product Viewed': 1, 'Product Added': 3, 'Order Completed': 5 };

/** The products an e-commerce event is about: its `products` array, or the event itself. */
const productsOf = (properties: JsonObject) =>
  (Array.isArray(properties.products) ? properties.products.filter((p) => p && typeof p === 'object') : [properties]) as JsonObject[];

const pushRecent = (list: string[], id: string, max: number) => {
  const at = list.indexOf(id);
  if (at >= 0) list.splice(at, 1);
  list.unshift(id);
  list.length = Math.min(list.length, max);
};

/**
 * Learns from one event, in place and in constant time, so the profile never has
 * to be rebuilt from the log. The event's own timestamp is "now".
 */
export function applyEvent(state: ProfileState, event: AttuneEvent, options = DEFAULT_PROFILE_OPTIONS): void {
  const now = Date.parse(event.timestamp) || 0;
  const campaign = event.context.campaign?.name;
  let session = state.session;
  // A new campaign starts a new visit, as it does in web analytics.
  if (!session || now - session.lastActivityAt > options.sessionTimeoutMinutes * 6e4 || (event.type === 'page' && campaign && campaign !== session.campaign.name)) {
    session = state.session = { ...sessionContextOf(event.context), number: ++state.visits, startedAt: now, lastActivityAt: now, pageViews: 0, events: 0 };
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
  }
  if (event.type === 'group') {
    // Segment's group: the same account's traits are updated, another account's replace them.
    const id = event.groupId!;
    const account = state.account?.id === id ? state.account : (state.account = {});
    assignOwn(account, event.traits ?? {});
    account.id = id;
  } else if (event.traits) assignOwn(state.traits, event.traits);
  if (event.type !== 'track') return;

  const name = event.event!;
  const properties = event.properties ?? {};
  if (name === 'Quiz Completed') learnQuiz(state, properties, now);
  const weight = own(AFFINITY_WEIGHT, name);
  const cart = state.cart;
  put(state.counters, name, (own(state.counters, name) ?? 0) + 1);
  for (const product of weight || name === 'Product Removed' ? productsOf(properties) : []) {
    const id = str(product.product_id) ?? str(product.sku);
    const price = num(product.price);
    const category = str(product.category);
    const bump = (table: Record<string, [number, number]>, key: string, was = own(table, key)) =>
      put(table, key, [(was ? decay(was, now, options.affinityHalfLifeDays) : 0) + weight!, now]);
    if (weight) {
      if (category) bump(state.scores.categories, category);
      if (Array.isArray(product.tags)) product.tags.forEach((tag) => typeof tag === 'string' && tag && bump(state.scores.tags, tag));
    }
    // Prices seen while browsing and carting make the band; an order repeats them, and a
    // product taken out of the cart is one the visitor turned away from.
    if (price !== undefined && name !== 'Order Completed' && name !== 'Product Removed') {
      const p = state.prices;
      p.count++;
      p.sum += price;
      p.min = Math.min(p.min ?? price, price);
      p.max = Math.max(p.max ?? price, price);
    }
    if (!id) continue;
    if (name === 'Product Viewed') pushRecent(state.recentlyViewed, id, 20);
    if (name === 'Order Completed') pushRecent(state.purchased, id, 100);
    if (name === 'Product Added' || name === 'Product Removed') {
      const quantity = Math.max(1, num(product.quantity) ?? 1);
      const line = cart.items.find((item) => item.product_id === id);
      if (line) line.quantity += name === 'Product Added' ? quantity : -quantity;
      else if (name === 'Product Added') cart.items.push({ product_id: id, quantity, price: price ?? 0, category });
      cart.items = cart.items.filter((item) => item.quantity > 0);
      cart.updatedAt = now;
    }
  }
  if (name === 'Order Completed') {
    const o = state.orders;
    o.count++;
    // Segment's spec: `revenue` excludes shipping and tax; fall back to `total`, then the lines.
    o.revenue +=
      num(properties.revenue) ?? num(properties.total) ?? productsOf(properties).reduce((sum, p) => sum + (num(p.price) ?? 0) * (num(p.quantity) ?? 1), 0);
    o.firstAt ??= now;
    o.lastAt = now;
    state.cart = { items: [], updatedAt: now };
  }
}

const isObject = (value: Json | undefined): value is JsonObject => !!value && typeof value === 'object' && !Array.isArray(value);

// A quiz's outcome becomes part of the profile, so placements can target it (`quizzes.<id>.outcome`,
// or the outcome's own traits such as `traits.quizOutcome`).
function learnQuiz(state: ProfileState, p: JsonObject, now: number) {
  const quiz = str(p.quiz_id);
  const outcome = str(p.outcome);
  if (!quiz || !outcome) return;
  const scores: Record<string, number> = {};
  if (isObject(p.scores)) for (const k of Object.keys(p.scores)) if (num(p.scores[k]) !== undefined) put(scores, k, num(p.scores[k])!);
  const tags = Array.isArray(p.tags) ? p.tags.filter((t): t is string => typeof t === 'string') : [];
  const answers = isObject(p.answers) ? p.answers : {};
  put((state.quizzes ||= {}), quiz, { outcome, answers, tags, scores, at: now });
  if (isObject(p.traits)) assignOwn(state.traits, p.traits);
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The public, plain-JSON {@link Profile} at time `now`. */
export function profileView(state: ProfileState, now: number, options = DEFAULT_PROFILE_OPTIONS): Profile {
  const { version, scores, session, ...rest } = copyJson(state);
  const decayed = (table: Record<string, [number, number]>) => {
    const out: Record<string, number> = {};
    for (const key of Object.keys(table)) put(out, key, round(decay(table[key], now, options.affinityHalfLifeDays)));
    return out;
  };
  const affinities = { categories: decayed(scores.categories), tags: decayed(scores.tags) };
  const ranked = (table: Record<string, number>) => Object.keys(table).sort((a, b) => table[b] - table[a]);
  const { prices, cart, orders } = rest;
  const average = prices.count ? prices.sum / prices.count : -1;
  const [budget, mid] = options.priceBands;
  return {
    ...rest,
    returning: state.visits > 1,
    affinities,
    topCategory: ranked(affinities.categories)[0] ?? null,
    topTags: ranked(affinities.tags).slice(0, 5),
    priceBand: average < 0 ? null : average < budget ? 'budget' : average < mid ? 'mid' : 'premium',
    cart: { ...cart, count: cart.items.reduce((sum, item) => sum + item.quantity, 0), value: round(cart.items.reduce((sum, item) => sum + item.quantity * item.price, 0)) },
    orders: { ...orders, averageValue: orders.count ? round(orders.revenue / orders.count) : 0, daysSinceLast: orders.lastAt ? Math.floor((now - orders.lastAt) / 864e5) : null },
    session: session ? { ...session, localHour: new Date(now).getHours() } : null,
  };
}
