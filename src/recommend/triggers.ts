/**
 * Trigger signals for messaging (abandoned-cart e-mails, back-in-stock pushes):
 * pure detectors from the profile, the catalog and the time to the events a messaging
 * backend acts on. The caller keeps the returned memory (plain JSON) with the profile,
 * so a signal is emitted once, whatever the number of pages that run the detectors.
 */
import type { Json, JsonObject } from '../core/types';
import { profileView, DEFAULT_PROFILE_OPTIONS, type ProfileOptions, type ProfileState } from '../profile/profile';
import { hasOwn, put } from '../core/own';
import type { Product } from './catalog';

/** An event to record with `track(event, properties)`. Properties follow Segment's e-commerce names. */
export interface TriggerEvent {
  event: 'Cart Abandoned' | 'Back In Stock' | 'New Arrival';
  properties: JsonObject;
}

/** What the detectors remember between calls; start from {@link createTriggerMemory}. */
export interface TriggerMemory {
  /** `cart.updatedAt` of the cart last reported abandoned: a changed cart may be reported again. */
  cartReported?: number;
  /** Products the visitor viewed while out of stock, with when that was first seen. */
  watching: Record<string, number>;
  /** New arrivals already announced, with when. */
  announced: Record<string, number>;
  /** The recently viewed list and the "Product Viewed" count at the last call, to tell which views are new. */
  viewed?: string[];
  views?: number;
}

/** Options of {@link detectTriggers}. */
export interface TriggerOptions {
  /** A cart untouched this long, with no order since, is abandoned (default 1 hour). */
  cartAbandonedAfterMs?: number;
  /** A product is new this long after its `createdAt` (default 14 days). */
  newArrivalForMs?: number;
  /** New arrivals announced per call at most, newest first (default 1: one nudge, not a flood). */
  maxNewArrivals?: number;
  /** A product viewed out of stock is watched this long (default 30 days). */
  watchForMs?: number;
  /** The profile's options, for the decay that makes the top category. */
  profile?: Partial<ProfileOptions>;
}

/** An empty memory. */
export const createTriggerMemory = (): TriggerMemory => ({ watching: {}, announced: {} });

const HOUR = 36e5;
const DAY = 864e5;

/** The fields a messaging template needs to show a product, in Segment's names (shared with the collector's signals). */
export function describeProduct(product: Product): JsonObject {
  const out: JsonObject = { product_id: product.id, name: product.title, url: product.url };
  const extra: [string, Json | undefined][] = [
    ['price', product.price],
    ['currency', product.currency],
    ['image_url', product.image],
    ['category', product.categories[0]],
  ];
  for (const [key, value] of extra) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * Which products of `list` were viewed since the call that saw `before`. Views move a
 * product to the front, so the products never viewed since keep their old relative
 * order at the end of the list: the longest such tail is old, the rest is new. A view
 * that changed nothing (the head viewed again) shows only in the view count.
 */
function viewedSince(list: readonly string[], before: readonly string[] | undefined, views: number, viewsBefore: number | undefined): string[] {
  if (!before) return [...list];
  let j = before.length;
  let start = list.length;
  while (start > 0) {
    const at = before.lastIndexOf(list[start - 1], j - 1);
    if (at < 0) break;
    j = at;
    start--;
  }
  return list.slice(0, Math.max(start, views > (viewsBefore ?? 0) ? 1 : 0));
}

/**
 * "Cart Abandoned": items in the cart, the cart untouched for `cartAbandonedAfterMs`
 * and no order since. Detected whenever the detectors run (a later page or visit),
 * reported once per state of the cart.
 */
export function cartAbandoned(state: ProfileState, catalog: readonly Product[], now: number, options: TriggerOptions, memory: TriggerMemory): TriggerEvent[] {
  const { items, updatedAt } = state.cart;
  const after = options.cartAbandonedAfterMs ?? HOUR;
  if (!items.length || updatedAt === undefined || now - updatedAt < after) return [];
  if ((state.orders.lastAt ?? -Infinity) >= updatedAt || memory.cartReported === updatedAt) return [];
  return [{ event: 'Cart Abandoned', properties: cartProperties(items, updatedAt, catalog) }];
}

/**
 * A "Cart Abandoned" event's properties: the lines, their value, when the cart last
 * changed, and the currency of the first carted product the catalog prices. The
 * collector's server-side detector sends the same shape.
 */
export function cartProperties(items: readonly CartLine[], updatedAt: number, catalog: readonly Product[]): JsonObject {
  const currency = catalog.find((p) => p.currency && items.some((item) => item.product_id === p.id))?.currency;
  const properties: JsonObject = {
    products: items.map((item) => ({ product_id: item.product_id, quantity: item.quantity, price: item.price })),
    value: Math.round(items.reduce((sum, item) => sum + item.quantity * item.price, 0) * 100) / 100,
    cart_updated_at: new Date(updatedAt).toISOString(),
  };
  if (currency) properties.currency = currency;
  return properties;
}

/** A cart line as {@link cartProperties} reads it. */
export interface CartLine {
  product_id: string;
  quantity: number;
  price: number;
}

/**
 * "Back In Stock": a product the visitor viewed while it was out of stock is in stock
 * again. Views are checked against the catalog as each call finds them, so run the
 * detectors on every page (or at least after each product view).
 */
export function backInStock(watching: Record<string, number>, catalog: readonly Product[]): TriggerEvent[] {
  return catalog.filter((p) => p.inStock && hasOwn(watching, p.id)).map((p) => ({ event: 'Back In Stock' as const, properties: describeProduct(p) }));
}

/**
 * "New Arrival": an in-stock product of the visitor's top category, created within
 * `newArrivalForMs` and after the visitor's first visit (so it arrived since they
 * started following the shop), that they have not viewed, carted or bought.
 */
export function newArrivals(state: ProfileState, catalog: readonly Product[], now: number, options: TriggerOptions, memory: TriggerMemory): TriggerEvent[] {
  const { topCategory } = profileView(state, now, { ...DEFAULT_PROFILE_OPTIONS, ...options.profile });
  if (topCategory === null) return [];
  const window = options.newArrivalForMs ?? 14 * DAY;
  const known = new Set([...state.recentlyViewed, ...state.purchased, ...state.cart.items.map((item) => item.product_id)]);
  return catalog
    .filter(
      (p) =>
        p.inStock &&
        p.createdAt !== undefined &&
        now - p.createdAt <= window &&
        p.createdAt > (state.firstSeen ?? -Infinity) &&
        p.categories.includes(topCategory) &&
        !known.has(p.id) &&
        !hasOwn(memory.announced, p.id),
    )
    .sort((a, b) => b.createdAt! - a.createdAt!)
    .slice(0, Math.max(0, options.maxNewArrivals ?? 1))
    .map((p) => ({ event: 'New Arrival' as const, properties: describeProduct(p) }));
}

/**
 * Runs the three detectors and returns the events to record, with the memory to keep
 * for the next call (a new object; the given one is not changed).
 *
 * @example
 * const { events, memory: next } = detectTriggers(state, catalog, Date.now(), {}, memory);
 * events.forEach((e) => attune.track(e.event, e.properties));
 */
export function detectTriggers(
  state: ProfileState,
  catalog: readonly Product[],
  now: number,
  options: TriggerOptions = {},
  memory: TriggerMemory = createTriggerMemory(),
): { events: TriggerEvent[]; memory: TriggerMemory } {
  const next: TriggerMemory = { ...memory, watching: { ...memory.watching }, announced: { ...memory.announced } };
  const byId = new Map(catalog.map((p) => [p.id, p]));
  const watchFor = options.watchForMs ?? 30 * DAY;
  const views = state.counters['Product Viewed'] ?? 0;
  for (const id of viewedSince(state.recentlyViewed, memory.viewed, views, memory.views)) {
    if (byId.get(id)?.inStock === false && !hasOwn(next.watching, id)) put(next.watching, id, now);
  }
  next.viewed = [...state.recentlyViewed];
  next.views = views;
  for (const id of Object.keys(next.watching)) if (now - next.watching[id] > watchFor) delete next.watching[id];

  const events = cartAbandoned(state, catalog, now, options, memory);
  if (events.length) next.cartReported = state.cart.updatedAt;
  for (const e of backInStock(next.watching, catalog)) {
    events.push(e);
    delete next.watching[e.properties.product_id as string];
  }
  for (const e of newArrivals(state, catalog, now, options, memory)) {
    events.push(e);
    put(next.announced, e.properties.product_id as string, now);
  }
  // An announcement older than the "new" window can never repeat: forget it.
  const window = options.newArrivalForMs ?? 14 * DAY;
  for (const id of Object.keys(next.announced)) if (now - next.announced[id] > window) delete next.announced[id];
  return { events, memory: next };
}
