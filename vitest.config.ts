import { defineConfig } from 'vitest/config';

// Two projects: unit tests run in happy-dom with fake-indexeddb (real IndexedDB
// semantics, no browser); end-to-end tests drive a real Chromium from Node.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          environment: 'happy-dom',
          setupFiles: ['test/setup.ts'],
          globalSetup: ['test/server/global-setup.ts'],
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
