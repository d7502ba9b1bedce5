import { describe, expect, it } from 'vitest';
import { shellQuery } from '../../../server/dashboard/routes';

const NOW = Date.UTC(2024, 4, 30, 15);
const q = (search: string) => shellQuery(new URL(`http://collector.invalid/dashboard${search}`), NOW);

describe("the dashboard page's query", () => {
  it('defaults to site "default" and the last 30 days, today included', () => {
    expect(q('')).toEqual({ site: 'default', from: '2024-05-01', to: '2024-05-30', segment: null });
  });
  it('keeps a valid range and segment, and drops what is not valid', () => {
    expect(q('?site=shop-1&from=2024-04-01&to=2024-04-10&segment=eco')).toEqual({ site: 'shop-1', from: '2024-04-01', to: '2024-04-10', segment: 'eco' });
    expect(q('?from=yesterday&to=2024-13-45').to).toBe('2024-05-30');
    // A start after the end falls back to the 30 days before the end.
    expect(q('?from=2024-05-20&to=2024-05-10')).toMatchObject({ from: '2024-04-11', to: '2024-05-10' });
    expect(q(`?segment=${'x'.repeat(201)}`).segment).toBeNull();
    expect(q('?site=').site).toBe('default');
  });
});
