import { defineConfig } from 'vitest/config';

// Three projects: unit tests run in happy-dom with fake-indexeddb (real IndexedDB
// semantics, no browser); the PostgreSQL store's tests run in Node against one real
// cluster per run (started by their global setup only when one of them is selected);
// end-to-end tests drive a real Chromium from Node.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/server/postgres/**'],
          environment: 'happy-dom',
          setupFiles: ['test/setup.ts'],
          globalSetup: ['test/server/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'postgres',
          include: ['test/server/postgres/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/server/postgres/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
