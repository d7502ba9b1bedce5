import { promisifyRequest, type UseStore } from 'idb-keyval';

/** The object stores of an Attune database. Adding one means bumping {@link DB_VERSION}. */
export type StoreName = 'events' | 'state' | 'outbox';
const STORE_NAMES: StoreName[] = ['events', 'state', 'outbox'];
const DB_VERSION = 2;

/** A small key-value view of one object store; keys are strings, listed in sorted order. */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  setMany(entries: [string, unknown][]): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
  /** The first `count` entries in key order (all when `count` is 0 or missing), read at one moment. */
  head<T>(count?: number): Promise<[string, T][]>;
}

/** Where an Attune database really keeps its data right now. */
export type StorageMode = 'indexeddb' | 'memory';

/** One Attune database: IndexedDB while it works, memory once it does not. */
export interface Database {
  store(name: StoreName): KeyValueStore;
  mode(): StorageMode;
  /** Deletes the database and every in-memory copy; the next write starts afresh. */
  destroy(): Promise<void>;
}

/** Options for {@link openDatabase}; tests use `version`, `indexedDB` and `openTimeoutMs`. */
export interface DatabaseOptions {
  /** Hears, once per database, why IndexedDB could not be used. */
  onFallback: (reason: unknown) => void;
  indexedDB?: IDBFactory;
  version?: number;
  openTimeoutMs?: number;
}

/**
 * Opens (lazily, on first use) the IndexedDB database `name` with Attune's object
 * stores. When IndexedDB is missing, blocked, slow to open or over quota, every
 * store switches to memory for the rest of the page's life and `onFallback` is
 * told once; the operation that failed is redone in memory, so nothing is lost.
 */
export function openDatabase(name: string, options: DatabaseOptions): Database {
  let missing: unknown = new Error('IndexedDB is not available');
  let factory: IDBFactory | undefined;
  try {
    factory = 'indexedDB' in options ? options.indexedDB : globalThis.indexedDB;
  } catch (error) {
    // A page (or a privacy tool) may make the getter throw: then there is no IndexedDB.
    missing = error;
  }
  const memory = new Map<StoreName, Map<string, unknown>>(STORE_NAMES.map((s) => [s, new Map()]));
  let mode: StorageMode = factory ? 'indexeddb' : 'memory';
  let connection: Promise<IDBDatabase> | undefined;
  let reported = false;

  const fallBack = (reason: unknown) => {
    mode = 'memory';
    if (!reported) {
      reported = true;
      options.onFallback(reason);
    }
  };
  // Reported a moment later, so that listeners attached right after start hear it.
  if (!factory) queueMicrotask(() => fallBack(missing));

  const connect = () =>
    (connection ||= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory!.open(name, options.version ?? DB_VERSION);
      const timer = setTimeout(
        () => reject(new Error('blocked: open timed out')),
        options.openTimeoutMs ?? 3000,
      );
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const store of STORE_NAMES) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
      };
      request.onsuccess = () => {
        clearTimeout(timer);
        const db = request.result;
        // Let another tab upgrade or delete the database instead of blocking it.
        db.onversionchange = () => {
          db.close();
          connection = undefined;
        };
        db.onclose = () => (connection = undefined);
        resolve(db);
      };
      request.onerror = () => {
        clearTimeout(timer);
        reject(request.error);
      };
    }).catch((error) => {
      connection = undefined;
      throw error;
    }));

  const useStore =
    (storeName: StoreName): UseStore =>
    (txMode, callback) =>
      connect().then((db) => callback(db.transaction(storeName, txMode).objectStore(storeName)));

  // Runs an operation on IndexedDB, or in memory when IndexedDB is gone or fails.
  const run = async <T>(
    storeName: StoreName,
    onDisk: (use: UseStore) => Promise<T>,
    inMemory: (map: Map<string, unknown>) => T,
  ): Promise<T> => {
    if (mode === 'indexeddb') {
      try {
        return await onDisk(useStore(storeName));
      } catch (error) {
        fallBack(error);
      }
    }
    return inMemory(memory.get(storeName)!);
  };

  const sortedKeys = (map: Map<string, unknown>) => [...map.keys()].sort();

  // idb-keyval's own helpers default to a shared store of theirs, which would cost
  // script-tag bytes for nothing; these are the same one-liners on our stores.
  const read = <T>(use: UseStore, op: (store: IDBObjectStore) => IDBRequest) =>
    use('readonly', (store) => promisifyRequest(op(store)) as Promise<T>);
  const write = (use: UseStore, op: (store: IDBObjectStore) => void) =>
    use('readwrite', (store) => {
      op(store);
      return promisifyRequest(store.transaction);
    });

  const store = (storeName: StoreName): KeyValueStore => ({
    get: (key) => run(storeName, (use) => read(use, (s) => s.get(key)), (map) => map.get(key) as never),
    setMany: (entries) =>
      run(
        storeName,
        (use) => write(use, (s) => entries.forEach(([k, v]) => s.put(v, k))),
        (map) => entries.forEach(([k, v]) => map.set(k, v)),
      ),
    delMany: (keyList) =>
      run(
        storeName,
        (use) => write(use, (s) => keyList.forEach((k) => s.delete(k))),
        (map) => keyList.forEach((k) => map.delete(k)),
      ),
    keys: () => run(storeName, (use) => read(use, (s) => s.getAllKeys()), sortedKeys),
    // Keys and values come from one transaction, so they cannot fall out of step.
    head: <T>(count?: number) =>
      run(
        storeName,
        (use) =>
          use('readonly', (s) =>
            Promise.all([promisifyRequest(s.getAllKeys(null, count)), promisifyRequest(s.getAll(null, count))]).then(
              ([keyList, valueList]) => keyList.map((key, i): [string, T] => [key as string, valueList[i]]),
            ),
          ),
        (map) => sortedKeys(map).slice(0, count || undefined).map((key): [string, T] => [key, map.get(key) as T]),
      ),
  });

  const destroy = async () => {
    memory.forEach((map) => map.clear());
    if (mode !== 'indexeddb') return;
    // Close our own connection, or the deletion would wait for it.
    (await connection?.catch(() => undefined))?.close();
    connection = undefined;
    await new Promise<void>((resolve) => {
      const request = factory!.deleteDatabase(name);
      request.onsuccess = request.onerror = request.onblocked = () => resolve();
    }).catch(() => {
      // deleteDatabase itself threw: IndexedDB is unusable, and so holds nothing to delete.
    });
  };

  return { store, mode: () => mode, destroy };
}
