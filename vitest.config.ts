import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * The export condition under which every `@tidings/*` package resolves to its TypeScript sources
 * (package.json `exports`), so tests never need a build. Vite's defaults follow it (Vite 6+ replaces
 * them when conditions are given).
 */
const SOURCE_CONDITION = '@tidings/source';

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, 'module', 'browser', 'development|production'] },
  // Vitest passes these to its workers as `--conditions` too, for Node's own resolver (createRequire).
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'module', 'node', 'development|production'] } },
  test: {
    include: [
      'scripts/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'packages/*/src/**/*.test.tsx',
      'packages/*/test/**/*.test.tsx',
      'examples/**/*.test.ts',
      'examples/**/*.test.tsx',
      'bench/**/*.test.ts',
      'test-kit/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Most files wait on sockets, child processes and Chromium rather than compute: two at a time
    // even on two cores (Vitest's default there is one), as many as the cores less one beyond.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Child processes of tests (the CLI, the demo, tsx scripts) inherit the condition through NODE_OPTIONS.
    env: {
      NODE_OPTIONS: [process.env['NODE_OPTIONS'], `--conditions=${SOURCE_CONDITION}`]
        .filter(Boolean)
        .join(' '),
    },
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts', 'packages/*/test/**/*.test-d.ts', 'examples/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
      // Type errors outside *.test-d.ts are `pnpm typecheck`'s job; here they would fail every package's run.
      ignoreSourceErrors: true,
    },
  },
});
