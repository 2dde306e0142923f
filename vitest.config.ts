import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'cli/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The SDK's notice that later releases need Node 22 (README, "Node and the AWS SDK"): the CLI
    // silences it; so do the tests, in-process clients and spawned evac and moto processes alike.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
