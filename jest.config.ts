import type { Config } from 'jest';

const transform: Config['transform'] = { '^.+\\.ts$': '@swc/jest' };
const project = (name: string, extra: Partial<Config> = {}): Config => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

const config: Config = {
  rootDir: __dirname,
  // Two cores: one file per core keeps servers from starving each other.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    project('unit'),
    project('workflow', { slowTestThreshold: 60 }),
    project('integration'),
    project('e2e'),
  ],
  testTimeout: 120_000,
};

export default config;
