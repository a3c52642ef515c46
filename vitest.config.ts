import { defineConfig } from 'vitest/config';

// Three tiers: `unit` (pure code, milliseconds), `integration` (real local processes:
// PocketSphinx, eSpeak NG, LiveKit server), `e2e` (the whole stack with headless Chromium
// and SIP peers). Each tier lives in its own folder pattern so a test's cost is visible
// from its path.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['*/src/**/*.test.ts', '*/src/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['*/test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/tests/**/*.test.ts'],
          // After every e2e file: no log of this checkout holds a key, token or test phone number.
          globalSetup: ['./e2e/log-audit.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
