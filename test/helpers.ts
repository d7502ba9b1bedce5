import { afterEach } from 'vitest';
import { createAttune, type Attune, type AttuneError, type AttuneOptions } from '../src/index';

const live: Attune[] = [];
let sites = 0;

/** A unique site id, so each test has its own database. */
export const uniqueSite = () => `test-${Date.now().toString(36)}-${sites++}`;

/**
 * Creates an instance for a test, with automatic capture off unless asked for,
 * collecting its errors; every instance is destroyed after the test.
 */
export function makeAttune(options: AttuneOptions = {}): { attune: Attune; errors: AttuneError[] } {
  const errors: AttuneError[] = [];
  const attune = createAttune({ site: uniqueSite(), capture: false, onError: (e) => errors.push(e), ...options });
  live.push(attune);
  return { attune, errors };
}

afterEach(() => {
  live.splice(0).forEach((attune) => attune.destroy());
});

/** Opens an Attune database with the raw IndexedDB API and reads one store's values. */
export async function readStore(site: string, store: 'events' | 'state'): Promise<unknown[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(`attune-${site}`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    if (!db.objectStoreNames.contains(store)) return [];
    return await new Promise((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}
