import { defineConfig } from "vitest/config";

// `npm run test:engine`: the real Pulumi CLI against a file backend and fake providers (test/engine/cli). Apart from
// `npm test`, which stays free of Go and of the CLI.
export default defineConfig({
  test: {
    include: ["test/engine/cli/**/*.test.ts"],
    pool: "forks",
    globalSetup: ["test/support/scratchTmp.ts"],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
