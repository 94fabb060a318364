import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "{infra,files,bootstrap,policies,scripts,access,cli,contracts,onboarding,plan,report,repository,review,runtime,tooling,validation,deploy,test}/**/*.test.ts",
    ],
    // The real CLI's tests need Go and minutes: `npm run test:engine` (vitest.engine.config.mts).
    exclude: ["test/engine/cli/**", "**/node_modules/**"],
    // The Pulumi runtime keeps process-global state (mocks, stack resource): each test file runs in its own fork.
    pool: "forks",
    globalSetup: ["test/support/scratchTmp.ts"],
    testTimeout: 60_000,
  },
});
