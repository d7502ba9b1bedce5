import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database';

let n = 0;
const dbName = () => `db-test-${n++}`;

function rawOpen(name: string, version?: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

const restores: (() => void)[] = [];
afterEach(() => restores.splice(0).forEach((restore) => restore()));

describe('openDatabase on IndexedDB', () => {
  it('stores values that a second connection reads, keys in sorted order', async () => {
    const name = dbName();
    const reasons: unknown[] = [];
    const first = openDatabase(name, { onFallback: (r) => reasons.push(r) });
    await first.store('events').setMany([['b', 2], ['a', 1], ['c', 3]]);
    await first.store('state').setMany([['profile', { visits: 1 }]]);
    const second = openDatabase(name, { onFallback: (r) => reasons.push(r) });
    expect(await second.store('events').keys()).toEqual(['a', 'b', 'c']);
    expect(await second.store('events').head()).toEqual([['a', 1], ['b', 2], ['c', 3]]);
    expect(await second.store('events').head(2)).toEqual([['a', 1], ['b', 2]]);
    expect(await second.store('state').get('profile')).toEqual({ visits: 1 });
    await second.store('events').delMany(['a', 'c']);
    expect(await first.store('events').keys()).toEqual(['b']);
    expect(first.mode()).toBe('indexeddb');
    expect(reasons).toEqual([]);
  });

  it('destroy deletes the database even while another connection is open', async () => {
    const name = dbName();
    const a = openDatabase(name, { onFallback: () => {} });
    const b = openDatabase(name, { onFallback: () => {} });
    await a.store('state').setMany([['k', 1]]);
    expect(await b.store('state').get('k')).toBe(1); // b holds a connection too
    await a.destroy();
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(name);
    // b reconnects to a new, empty database.
    expect(await b.store('state').get('k')).toBeUndefined();
  });
});

describe('openDatabase falls back to memory, once, losing nothing', () => {
  const roundTrip = async (db: ReturnType<typeof openDatabase>) => {
    await db.store('events').setMany([['x', { n: 1 }], ['w', { n: 0 }]]);
    expect(await db.store('events').keys()).toEqual(['w', 'x']);
    expect(await db.store('events').head()).toEqual([['w', { n: 0 }], ['x', { n: 1 }]]);
    expect(await db.store('events').head(1)).toEqual([['w', { n: 0 }]]);
    expect(await db.store('events').get('x')).toEqual({ n: 1 });
    await db.store('events').delMany(['w']);
    expect(await db.store('events').keys()).toEqual(['x']);
    expect(db.mode()).toBe('memory');
  };

  it('when IndexedDB is missing', async () => {
    const reasons: unknown[] = [];
    const db = openDatabase(dbName(), { indexedDB: undefined, onFallback: (r) => reasons.push(r) });
    await roundTrip(db);
    expect(reasons).toHaveLength(1);
    expect(String(reasons[0])).toContain('not available');
  });

  it("when the page's indexedDB getter throws", async () => {
    const reasons: unknown[] = [];
    const real = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB')!;
    Object.defineProperty(globalThis, 'indexedDB', { configurable: true, get: () => { throw new DOMException('no storage here', 'SecurityError'); } });
    try {
      const db = openDatabase(dbName(), { onFallback: (r) => reasons.push(r) });
      await roundTrip(db);
    } finally {
      Object.defineProperty(globalThis, 'indexedDB', real);
    }
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as DOMException).message).toBe('no storage here');
  });

  it('when opening throws (a SecurityError, as in sandboxed frames)', async () => {
    const reasons: unknown[] = [];
    const factory = {
      open() {
        throw new DOMException('access denied', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const db = openDatabase(dbName(), { indexedDB: factory, onFallback: (r) => reasons.push(r) });
    await roundTrip(db);
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as DOMException).name).toBe('SecurityError');
  });

  it('when the open request fails (as in Firefox private windows)', async () => {
    const name = dbName();
    (await rawOpen(name, 5)).close(); // a newer version than Attune asks for makes open fail
    const reasons: unknown[] = [];
    const db = openDatabase(name, { onFallback: (r) => reasons.push(r) });
    await roundTrip(db);
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as DOMException).name).toBe('VersionError');
  });

  it('when opening is blocked by another tab that will not let go', async () => {
    const name = dbName();
    const stubborn = await rawOpen(name, 1); // ignores versionchange
    const reasons: unknown[] = [];
    const db = openDatabase(name, { version: 2, openTimeoutMs: 50, onFallback: (r) => reasons.push(r) });
    await roundTrip(db);
    expect(String(reasons[0])).toContain('blocked');
    expect(reasons).toHaveLength(1);
    stubborn.close();
  });

  it('when a write goes over quota (as in Safari private mode)', async () => {
    const reasons: unknown[] = [];
    const db = openDatabase(dbName(), { onFallback: (r) => reasons.push(r) });
    await db.store('state').setMany([['before', 1]]);
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('quota', 'QuotaExceededError');
    };
    restores.push(() => (IDBObjectStore.prototype.put = put));
    await db.store('state').setMany([['after', 2]]);
    expect(await db.store('state').get('after')).toBe(2);
    await db.store('state').setMany([['later', 3]]);
    expect(await db.store('state').get('later')).toBe(3);
    expect(db.mode()).toBe('memory');
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as DOMException).name).toBe('QuotaExceededError');
  });
});
