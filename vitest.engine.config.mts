import { defineConfig } from "vitest/config";

// `npm run test:engine`: the real Pulumi CLI against a file backend and fake providers (test/engine/cli). Apart from
// `npm test`, which stays free of Go and of the CLI.
export default defineConfig({
  test: {
    include: ["test/engine/cli/**/*.test.ts"],
    pool: "forks",
    globalSetup: ["test/support/scratchTmp.ts"],
    // One file per stack (digdirTt02.test.ts, digdirProd.test.ts): each has its own scratch repository, backend and
    // fake Azure, so the two run side by side (vitest's default on 2 cores would be one worker). A CLI run keeps
    // about 0.8 of a core busy on average: the rest is waiting on the engine's round trips.
    maxWorkers: 2,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
