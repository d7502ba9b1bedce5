/**
 * Reading the properties the aggregates count, from events the SDK or a site
 * sends. Attune's own variant events are validated at the door; the e-commerce and
 * widget properties are the site's, so anything unusable is skipped, not refused.
 */
import { MAX_ID_LENGTH, MAX_VALUE } from '../src/core/limits';

/**
 * An id-like property as a string, or null. Shops send product ids as strings or
 * numbers; anything else (or an empty id) is no reference and is skipped rather than
 * refused, because these properties are the site owner's calls, not Attune's own.
 */
export function cleanId(value: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 && value.length <= MAX_ID_LENGTH ? value : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** A money amount: a finite number (or numeric string) within ±MAX_VALUE, else null. */
export function amount(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && Math.abs(n) <= MAX_VALUE ? n : null;
}

/** What a validated `Variant Converted` says. */
export interface ConversionFacts {
  placement: string;
  variant: string;
  segment: string;
  grp: 'treatment' | 'holdout';
  /** 0 when it carries none. */
  value: number;
}

/** Reads a `Variant Converted` event's properties (already validated). */
export function conversionOf(properties: Record<string, unknown>): ConversionFacts {
  const { placement, variant, segment, group, value } = properties as Record<string, string | number | null | undefined>;
  return {
    placement: placement as string,
    variant: variant as string,
    segment: (segment as string | null | undefined) ?? '',
    grp: group === 'holdout' ? 'holdout' : 'treatment',
    // Validated at the door, but a file upgraded from schema 1 holds events accepted before that check.
    value: typeof value === 'number' ? (amount(value) ?? 0) : 0,
  };
}

/** What an `Order Completed` contributes. */
export interface Order {
  /** `revenue`, else `total` (Segment's e-commerce spec), else the products' sum; 0 when none is usable. */
  revenue: number;
  /** Upper-cased ISO 4217 code, or "" when none was given. */
  currency: string;
  /** Each product with an id, and its price × quantity (quantity 1 when absent). */
  products: { productId: string; revenue: number }[];
}

/** Reads an `Order Completed` event's properties. */
export function orderOf(properties: Record<string, unknown>): Order {
  const products: Order['products'] = [];
  if (Array.isArray(properties.products)) {
    for (const p of properties.products as unknown[]) {
      if (typeof p !== 'object' || p === null) continue;
      const { product_id, price, quantity } = p as Record<string, unknown>;
      const productId = cleanId(product_id);
      if (productId === null) continue;
      products.push({ productId, revenue: (amount(price) ?? 0) * (amount(quantity) ?? 1) });
    }
  }
  const currency = typeof properties.currency === 'string' && /^[A-Za-z]{3}$/.test(properties.currency) ? properties.currency.toUpperCase() : '';
  const revenue = amount(properties.revenue) ?? amount(properties.total) ?? products.reduce((sum, p) => sum + p.revenue, 0);
  return { revenue, currency, products };
}
