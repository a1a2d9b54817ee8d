/**
 * Three projects, all run by `npm test`:
 * - unit: the tests beside the code in lab/, Docker-free by construction (jest.unit-setup.js
 *   points DOCKER_HOST nowhere, so nothing in it can reach an engine or start a container);
 *   tests that need root network namespaces (lab/tc/kernel.test.ts) stay here: they use no Docker.
 * - docker: lab/**\/*.docker.test.ts, which build the image and start containers on a real engine.
 * - suites: suites/ run real labs on real Docker.
 */
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
      testPathIgnorePatterns: ['/node_modules/', '\\.docker\\.test\\.ts$'],
      setupFiles: ['<rootDir>/jest.setup.js', '<rootDir>/jest.unit-setup.js'],
    },
    {
      displayName: 'docker',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/lab/**/*.docker.test.ts'],
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
