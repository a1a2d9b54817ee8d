/** Unit tests sit beside the code in lab/; suites/ run real labs on real Docker. */
const tsJest = ['ts-jest', {}];
module.exports = {
  reporters: [
    'default',
    ['jest-junit', { outputDirectory: 'reports', outputName: 'junit.xml', addFileAttribute: 'true', reportTestSuiteErrors: 'true' }],
  ],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/lab/**/*.test.ts'],
      setupFiles: ['<rootDir>/jest.setup.js'],
    },
    {
      displayName: 'suites',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/suites/**/*.test.ts'],
      setupFiles: ['<rootDir>/jest.setup.js'],
    },
  ],
};
