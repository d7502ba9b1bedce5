/**
 * Number formatting for the dashboard: every figure a marketer reads goes through
 * `Intl.NumberFormat`, in their browser's locale, so decimal marks and grouping
 * are the ones they are used to. Pure: used by the verdicts, the tables and the tests.
 */

/** Formatters for one locale (and the report's currency, when it has one). */
export interface Formats {
  /** Whole numbers: `12,345`. */
  int(n: number): string;
  /** A rate, to one decimal: `3.4%`. */
  rate(r: number): string;
  /** A relative change, signed: `+18%`, `−4%`. */
  change(r: number): string;
  /** A relative change without its sign, for "18 % better": `18%`. */
  magnitude(r: number): string;
  /** A probability, never shown as a certainty it is not: `97%`, `>99%`, `<1%`. */
  chance(p: number): string;
  /** Money in the report's currency, else a plain number with two decimals. */
  money(n: number): string;
  /** A p-value: `p < 0.001`, else `p = 0.04`. */
  p(value: number): string;
}

/** Formatters for `locale` (default: the runtime's) and `currency` (an ISO 4217 code, or null). */
export function createFormats(locale?: string, currency?: string | null): Formats {
  const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const pct1 = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const pct0 = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const signed = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
  let money: Intl.NumberFormat;
  try {
    money = currency
      ? new Intl.NumberFormat(locale, { style: 'currency', currency })
      : new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  } catch {
    // A currency code Intl does not know (the events carry whatever the site sent).
    money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  return {
    int: (n) => int.format(n),
    rate: (r) => pct1.format(r),
    change: (r) => signed.format(r),
    magnitude: (r) => pct0.format(Math.abs(r)),
    chance: (p) => (p > 0.99 ? `>${pct0.format(0.99)}` : p < 0.01 ? `<${pct0.format(0.01)}` : pct0.format(p)),
    money: (n) => money.format(n),
    p: (value) => (value < 0.001 ? `p < ${decimal.format(0.001)}` : `p = ${decimal.format(value)}`),
  };
}

/**
 * A visitor count rounded to two significant figures, for "about 2,000 more
 * visitors": the estimate is rough, and a precise-looking 1,937 would claim otherwise.
 */
export function roughCount(n: number): number {
  if (!(n > 0)) return 0;
  if (n < 10) return Math.ceil(n);
  const step = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.ceil(n / step) * step;
}
