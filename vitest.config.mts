import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["{infra,bootstrap,policies,scripts,lib,test,deploy}/**/*.test.ts"],
    // The Pulumi runtime keeps process-global state (mocks, stack resource): each test file runs in its own fork.
    pool: "forks",
    testTimeout: 60_000,
  },
});
