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
};

export default config;
