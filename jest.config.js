// Plain JS so that jest needs no TypeScript loader for its own configuration.
const transform = {
  '^.+\\.ts$': '@swc/jest',
  // jose (the API's JWT library) ships ES modules only: compile it to CommonJS for jest.
  '/node_modules/jose/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
  // FormatJS (the desk's ICU messages, tested in node) ships ES modules only too.
  '/node_modules/(intl-messageformat|@formatjs/[^/]+)/.+\\.js$': [
    '@swc/jest',
    { module: { type: 'commonjs' } },
  ],
};
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  // The generated Prisma client imports its siblings as './x.js' (ESM style) from .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  transformIgnorePatterns: ['/node_modules/(?!jose/|intl-messageformat/|@formatjs/)'],
  ...extra,
});

/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  // Two cores: one test file per core keeps the servers from starving each other.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 180_000,
  projects: [
    project('unit'),
    ...['workflow', 'integration', 'faults'].map((name) =>
      project(name, { setupFiles: ['<rootDir>/test/support/quiet-runtime.ts'] }),
    ),
    // The e2e files share one real Temporal cluster (four server processes on PostgreSQL), started
    // once per run; the fault suite starts one of its own, since it kills its processes.
    project('e2e', {
      setupFiles: ['<rootDir>/test/support/quiet-runtime.ts'],
      globalSetup: '<rootDir>/test/support/cluster-setup.ts',
      globalTeardown: '<rootDir>/test/support/cluster-teardown.ts',
    }),
  ],
};
