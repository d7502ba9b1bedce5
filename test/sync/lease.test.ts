import { afterEach, describe, expect, it } from 'vitest';
import { LEASE_MS, releaseLease, takeLease } from '../../src/sync/lease';

afterEach(() => localStorage.clear());

describe('lease, the fallback for browsers without Web Locks', () => {
  it('goes to one holder at a time until released', () => {
    expect(takeLease('sync', 'tab-a', 1000)).toBe(true);
    expect(takeLease('sync', 'tab-b', 1001)).toBe(false);
    expect(takeLease('sync', 'tab-a', 1002)).toBe(true); // renewing is fine
    releaseLease('sync', 'tab-b'); // not b's to release
    expect(takeLease('sync', 'tab-b', 1003)).toBe(false);
    releaseLease('sync', 'tab-a');
    expect(takeLease('sync', 'tab-b', 1004)).toBe(true);
  });

  it('expires, so a tab that died holding it does not block the others', () => {
    expect(takeLease('sync', 'tab-a', 0)).toBe(true);
    expect(takeLease('sync', 'tab-b', LEASE_MS - 1)).toBe(false);
    expect(takeLease('sync', 'tab-b', LEASE_MS + 1)).toBe(true);
  });

  it('is granted when localStorage cannot be used', () => {
    const saved = Storage.prototype.getItem;
    Storage.prototype.getItem = () => {
      throw new DOMException('denied', 'SecurityError');
    };
    try {
      expect(takeLease('sync', 'tab-a')).toBe(true);
      expect(() => releaseLease('sync', 'tab-a')).not.toThrow();
    } finally {
      Storage.prototype.getItem = saved;
    }
  });
});
