import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^ankurah$': '<rootDir>/src/index.ts',
    // Every entry point `ankurah/<name>` is src/<name>.ts (package.json's exports map lists them).
    '^ankurah/([a-z-]+)$': '<rootDir>/src/$1.ts',
  },
  testTimeout: 30000,
  maxWorkers: 2,
  // A worker whose heap passed this after a test file is replaced by a fresh one. Without it the heaps reached
  // 1.1–1.3 GB by the end of the suite (mostly garbage not collected yet: they also fall between files). A worker
  // ends on its own once its loop is empty, and Node then tears its heap down before the process exits (measured:
  // 357 ms for 1.3 GB on an idle 2-core machine, 151 ms for 500 MB; 163 ms for 1.3 GB through process.exit). Two
  // such workers at once took longer than the 500 ms Jest waits before it kills one and prints "A worker process
  // has failed to exit gracefully".
  workerIdleMemoryLimit: '512MB',
};

export default config;
