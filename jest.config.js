// Unit tests (project 'unit') live beside the code they test (packages/*/src/**/*.test.ts, network/**/*.test.ts).
// ts-jest compiles with the full TypeScript program (not isolatedModules) so decorator metadata is emitted.
const moduleNameMapper = {
  '^@meterledger/(crypto|contract-api|chaincode|client|authority|auditor|cli|metering-gateway|weighing|smartbox-api)$': '<rootDir>/packages/$1/src/index.ts',
};

module.exports = {
  // A global option (not per project): runs test/affiliation.test.ts, which changes the shared network, last.
  testSequencer: '<rootDir>/test/sequencer.js',
  projects: [
    {
      displayName: 'unit',
      preset: 'ts-jest',
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/jest.setup.js'],
      rootDir: __dirname,
      // roots keep jest away from network state (.fabric/: orderers' Raft *.snap files look like jest snapshots).
      roots: ['<rootDir>/packages', '<rootDir>/network/src'],
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/network/src/**/*.test.ts'],
      moduleNameMapper,
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
    },
    {
      // Against the real network started by network/ (see test/global-setup.ts); never run with fakes.
      displayName: 'integration',
      preset: 'ts-jest',
      testEnvironment: 'node',
      rootDir: __dirname,
      setupFiles: ['<rootDir>/jest.setup.js'],
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      moduleNameMapper,
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
    },
  ],
};
