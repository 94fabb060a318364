import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "{infra,bootstrap,policies,scripts,access,cli,onboarding,plan,report,repository,review,runtime,tooling,validation,test}/**/*.test.ts",
    ],
    // The Pulumi runtime keeps process-global state (mocks, stack resource): each test file runs in its own fork.
    pool: "forks",
    testTimeout: 60_000,
  },
});
