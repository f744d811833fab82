// Unit tests live beside the code they test (packages/*/src/**/*.test.ts, network/**/*.test.ts).
// ts-jest compiles with the full TypeScript program (not isolatedModules) so decorator metadata is emitted.
const moduleNameMapper = {
  '^@meterledger/(crypto|chaincode|client|authority)$': '<rootDir>/packages/$1/src/index.ts',
};

module.exports = {
  projects: [
    {
      displayName: 'unit',
      preset: 'ts-jest',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/network/src/**/*.test.ts'],
      moduleNameMapper,
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
    },
  ],
};
