/**
 * The trigger state as a pure function of the stored rows a fold can touch and the
 * fold's events: `(state, events, settings) → changes`, no I/O, the same code for SQLite
 * and PostgreSQL (ingest.ts is the shell that loads and writes). What is kept:
 *
 * - each visitor's row (ids, first and last seen, orders, affinities, kept traits);
 * - each visitor's cart, from `Product Added`, `Product Removed` and `Order Completed`,
 *   arming `cart` at each change of a non-empty cart (due `cartAbandonedMinutes` later),
 *   disarming it when the cart empties or an order is placed;
 * - views per visitor and product, counted within a spell (BROWSE_SPELL_MS), arming
 *   `browse` once a product reaches `browseViews` views and was not bought; a cart
 *   change or an order disarms every browse signal of the visitor;
 * - `winback`, armed (or moved later) by each order, due `winBackDays` after it.
 *
 * Trigger rows are keyed by the event's own id (anonymous id, else user id), not the
 * person: detection joins a person's devices itself (detect.ts).
 */
import type { CartLine } from '../../src/recommend/triggers';
import { amount, cleanId } from '../aggregate-read';
import type { KeyTuple } from '../fold-load';
import type { SiteSettings } from '../sites';
import type { ValidEvent } from '../validate-event';
import { BROWSE_SPELL_MS } from './browse';
import { productsOf } from './cart';
import { AFFINITY, keptTraits, visitorWrite, type StoredVisitor, type VisitorChange, type VisitorWrite } from './visitors';
import { WINBACK_DAY_MS } from './winback';

/** A `trigger_views` row: site, product, visitor, views, last view, price, bought (0 or 1). */
export type ViewRow = [site: string, productId: string, visitor: string, views: number, lastView: number, price: number | null, bought: number];
/** A `trigger_carts` row. */
export type CartRow = [site: string, visitor: string, items: string, updatedAt: number];
/** A `trigger_pending` row to upsert. */
export type PendingWrite = [site: string, visitor: string, kind: string, subject: string, causeAt: number, dueAt: number];

/** Every stored trigger row the fold's events can touch. */
export interface TriggerState {
  /** `trigger_visitors` by `site\0visitor`, of the visitors whose affinities or traits change. */
  visitors: ReadonlyMap<string, StoredVisitor>;
  /** `trigger_carts` by `site\0visitor`. */
  carts: ReadonlyMap<string, { items: string; updated_at: number }>;
  /** `trigger_views` by `site\0product\0visitor`. */
  views: ReadonlyMap<string, ViewRow>;
}

/** What a fold writes, as arrays of rows per table. Deletes go before upserts. */
export interface TriggerChanges {
  visitors: VisitorWrite[];
  carts: CartRow[];
  cartDrops: [site: string, visitor: string][];
  views: ViewRow[];
  /** Every pending signal of (site, visitor, kind) is disarmed. */
  pendingClears: [site: string, visitor: string, kind: string][];
  pending: PendingWrite[];
}

/** A site's settings, or undefined for a site that does not exist (its events are skipped). */
export type SettingsOf = (site: string) => SiteSettings | undefined;

const categoryOf = (product: Record<string, unknown>) => (typeof product.category === 'string' && product.category ? product.category : null);
const idOf = (e: ValidEvent) => e.anonymousId ?? e.userId;
const viewedId = (properties: Record<string, unknown>) => cleanId(properties.product_id) ?? cleanId(properties.sku);
const boughtIds = (properties: Record<string, unknown>) =>
  (Array.isArray(properties.products) ? productsOf(properties) : []).map((p) => cleanId(p.product_id)).filter((p): p is string => p !== null);

/** The keys of the rows {@link foldTriggers} reads (with repeats). */
export interface TriggerKeys {
  /** (site, visitor) of visitors whose affinities or traits the fold may change. */
  visitors: KeyTuple[];
  /** (site, visitor) of visitors whose cart the fold may change. */
  carts: KeyTuple[];
  /** (site, product, visitor) of the products viewed or bought. */
  views: KeyTuple[];
}

/** The keys of the rows {@link foldTriggers} reads for `events`. */
export function triggerKeys(events: readonly ValidEvent[], settingsOf: SettingsOf): TriggerKeys {
  const keys: TriggerKeys = { visitors: [], carts: [], views: [] };
  for (const e of events) {
    const id = idOf(e);
    if (id === null || !settingsOf(e.site)) continue;
    if (e.type === 'identify') keys.visitors.push([e.site, id]);
    if (e.type !== 'track') continue;
    const name = e.event;
    if (name === 'Product Viewed') {
      keys.visitors.push([e.site, id]);
      const product = viewedId(e.properties);
      if (product !== null) keys.views.push([e.site, product, id]);
    } else if (name === 'Product Added' || name === 'Product Removed' || name === 'Order Completed') {
      keys.visitors.push([e.site, id]);
      keys.carts.push([e.site, id]);
      if (name === 'Order Completed') for (const product of boughtIds(e.properties)) keys.views.push([e.site, product, id]);
    }
  }
  return keys;
}

/** Folds `events` into the trigger state over `state` (which is not changed). */
export function foldTriggers(state: TriggerState, events: readonly ValidEvent[], settingsOf: SettingsOf): TriggerChanges {
  const changes = new Map<string, [site: string, visitor: string, change: VisitorChange]>();
  const carts = new Map<string, { site: string; visitor: string; row: { items: string; updated_at: number } | null }>();
  const views = new Map<string, ViewRow>();
  const pending = new Map<string, { site: string; visitor: string; kind: string; cleared: boolean; subjects: Map<string, PendingWrite> }>();

  const signals = (site: string, visitor: string, kind: string) => {
    const id = `${site}\0${visitor}\0${kind}`;
    let entry = pending.get(id);
    if (!entry) pending.set(id, (entry = { site, visitor, kind, cleared: false, subjects: new Map() }));
    return entry;
  };
  const arm = (site: string, visitor: string, kind: string, subject: string, causeAt: number, dueAt: number) =>
    signals(site, visitor, kind).subjects.set(subject, [site, visitor, kind, subject, causeAt, dueAt]);
  const cancel = (site: string, visitor: string, kind: string) => {
    const entry = signals(site, visitor, kind);
    entry.cleared = true;
    entry.subjects.clear();
  };

  const cartOf = (site: string, visitor: string) => {
    const id = `${site}\0${visitor}`;
    let entry = carts.get(id);
    if (!entry) carts.set(id, (entry = { site, visitor, row: state.carts.get(id) ?? null }));
    return entry;
  };
  const viewOf = (site: string, product: string, visitor: string): ViewRow | undefined => {
    const id = `${site}\0${product}\0${visitor}`;
    let row = views.get(id);
    if (!row) {
      const stored = state.views.get(id);
      if (stored) views.set(id, (row = [...stored]));
    }
    return row;
  };

  function viewed(site: string, visitor: string, properties: Record<string, unknown>, time: number, threshold: number, windowMs: number): void {
    const product = viewedId(properties);
    if (product === null) return;
    const price = amount(properties.price);
    let row = viewOf(site, product, visitor);
    if (!row) views.set(`${site}\0${product}\0${visitor}`, (row = [site, product, visitor, 1, time, price, 0]));
    else {
      // A view long after the last starts a new spell; one sent late still counts in it.
      row[3] = time - row[4] <= BROWSE_SPELL_MS ? row[3] + 1 : 1;
      row[4] = Math.max(row[4], time);
      row[5] = price ?? row[5];
    }
    if (row[3] >= threshold && !row[6]) arm(site, visitor, 'browse', product, row[4], row[4] + windowMs);
  }

  function cartChange(site: string, visitor: string, name: string, properties: Record<string, unknown>, time: number, windowMs: number): void {
    const cart = cartOf(site, visitor);
    // An outbox sent late can deliver an old change after a newer one: it does not rewind the cart's clock.
    const items = (cart.row ? JSON.parse(cart.row.items) : []) as CartLine[];
    for (const product of productsOf(properties)) {
      const id = cleanId(product.product_id) ?? cleanId(product.sku);
      if (id === null) continue;
      const quantity = Math.max(1, amount(product.quantity) ?? 1);
      const line = items.find((item) => item.product_id === id);
      if (line) line.quantity += name === 'Product Added' ? quantity : -quantity;
      else if (name === 'Product Added') items.push({ product_id: id, quantity, price: amount(product.price) ?? 0 });
    }
    const kept = items.filter((item) => item.quantity > 0);
    const updatedAt = Math.max(time, cart.row?.updated_at ?? 0);
    if (kept.length === 0) {
      cart.row = null;
      cancel(site, visitor, 'cart');
      return;
    }
    cart.row = { items: JSON.stringify(kept), updated_at: updatedAt };
    arm(site, visitor, 'cart', '', updatedAt, updatedAt + windowMs);
  }

  for (const e of events) {
    const settings = settingsOf(e.site);
    if (!settings) continue;
    const { triggers } = settings;
    const id = idOf(e);
    if (id === null) continue;
    const key = `${e.site}\0${id}`;
    let entry = changes.get(key);
    if (!entry) changes.set(key, (entry = [e.site, id, { anonymousId: null, userId: null, first: e.time, last: e.time, orders: 0, lastOrder: 0, traits: null, affinity: [] }]));
    const v = entry[2];
    v.first = Math.min(v.first, e.time);
    v.last = Math.max(v.last, e.time);
    if (e.anonymousId !== null) v.anonymousId = e.anonymousId;
    if (e.userId !== null) v.userId = e.userId;
    if (e.type === 'identify') {
      const traits = (JSON.parse(e.payload) as { traits?: unknown }).traits;
      if (traits && typeof traits === 'object' && !Array.isArray(traits)) {
        const kept = keptTraits(settings, traits as Record<string, unknown>);
        if (Object.keys(kept).length) v.traits = { ...v.traits, ...kept };
      }
    }
    if (e.type !== 'track') continue;
    const name = e.event;
    if (name === 'Product Viewed') {
      viewed(e.site, id, e.properties, e.time, triggers.browseViews, triggers.browseAbandonedMinutes * 60_000);
      const category = categoryOf(e.properties);
      if (category) v.affinity.push([category, AFFINITY.view, e.time]);
    } else if (name === 'Product Added' || name === 'Product Removed') {
      cartChange(e.site, id, name, e.properties, e.time, triggers.cartAbandonedMinutes * 60_000);
      if (name === 'Product Added') {
        // The visitor carted something: nothing they browsed is abandoned now (a cart signal may be).
        cancel(e.site, id, 'browse');
        for (const p of productsOf(e.properties)) {
          const category = categoryOf(p);
          if (category) v.affinity.push([category, AFFINITY.add, e.time]);
        }
      }
    } else if (name === 'Order Completed') {
      v.orders++;
      v.lastOrder = Math.max(v.lastOrder, e.time);
      // An order empties the cart and settles every cart and browse signal.
      cartOf(e.site, id).row = null;
      cancel(e.site, id, 'cart');
      arm(e.site, id, 'winback', '', e.time, e.time + triggers.winBackDays * WINBACK_DAY_MS);
      for (const product of boughtIds(e.properties)) {
        const row = viewOf(e.site, product, id);
        if (row) row[6] = 1;
      }
      cancel(e.site, id, 'browse');
      for (const p of Array.isArray(e.properties.products) ? productsOf(e.properties) : []) {
        const category = categoryOf(p);
        if (category) v.affinity.push([category, AFFINITY.order, e.time]);
      }
    }
  }

  const out: TriggerChanges = { visitors: [], carts: [], cartDrops: [], views: [...views.values()], pendingClears: [], pending: [] };
  for (const [site, visitor, c] of changes.values()) out.visitors.push(visitorWrite(site, visitor, c, state.visitors.get(`${site}\0${visitor}`)));
  for (const [id, { site, visitor, row }] of carts) {
    if (row) out.carts.push([site, visitor, row.items, row.updated_at]);
    else if (state.carts.has(id)) out.cartDrops.push([site, visitor]);
  }
  for (const { site, visitor, kind, cleared, subjects } of pending.values()) {
    if (cleared) out.pendingClears.push([site, visitor, kind]);
    out.pending.push(...subjects.values());
  }
  return out;
}
