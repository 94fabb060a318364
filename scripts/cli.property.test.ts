import { mkdirSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCli, type Main } from "../cli/cli";
import { ownerYaml } from "../test/support/fleet";
import { captureOutput } from "../test/support/output";
import { commitAll, writeRepository } from "../test/support/repository";
import { main as accessDiff } from "./accessDiff";
import { main as expiring } from "./expiring";
import { main as lintWorkflows } from "./lintWorkflows";
import { main as newOwner } from "./newOwner";
import { main as plan } from "./plan";
import { main as removeExpiredGrants } from "./removeExpiredGrants";
import { main as validate } from "./validate";

const REGISTRY = path.join(__dirname, "../test/fixtures/altinn-orgs.json");

const gitRepository = (withOwner: boolean) => commitAll(writeRepository(withOwner ? [ownerYaml("abc")] : []));

const REFS = ["HEAD", "main", "HEAD~3", "no-such-ref", "--output=x", "-x", ":/base", "@{-1}", "HEAD^{tree}", ""];
const DATES = ["2026-11-23", "2026-02-30", "yesterday", "20261123", ""];
const COMMON = ["--help", "--version", "--today", ...DATES, "--format", "json", "text", "markdown", "xml", "--", "-"];

/** Tokens each CLI understands, mixed with arbitrary strings: usage errors and odd values are the point. */
const VOCABULARY: Record<string, string[]> = {
  validate: [
    ...COMMON,
    "stacks/abc.yaml",
    "stacks/nope.yaml",
    "/etc/passwd",
    "../x",
    "stacks",
    "--changed-since",
    ...REFS,
    "--strict-files",
  ],
  plan: [
    ...COMMON,
    "--stack",
    "abc-staging",
    "ABC-prod",
    "x-tt02",
    "--changed-since",
    ...REFS,
    "--workers",
    "0",
    "abc",
    "1e3",
    "-1",
    "99999999",
    "--list",
    "--first-preview",
  ],
  accessDiff: [...COMMON, "--base", ...REFS, "--allow-removals"],
  newOwner: [...COMMON, "dat", "abc", "Bad-Org", "a", "--registry", REGISTRY, "/dev/zero", "/nonexistent.json", "/tmp"],
  removeExpiredGrants: [...COMMON, "2099-01-01"],
  lintWorkflows: COMMON,
  expiring: [...COMMON, "--within", "30", "-1", "10000", "x", "--owner", "abc", "zzz", "--reconcile"],
};
const MAINS: Record<string, Main> = {
  validate,
  plan,
  accessDiff,
  newOwner,
  removeExpiredGrants,
  expiring,
  lintWorkflows,
};

const argv = (script: string) =>
  fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...(VOCABULARY[script] ?? [])) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
    ),
    { maxLength: 6 },
  );

const output = captureOutput();

describe("every CLI, through the one entry, on arbitrary argument vectors", () => {
  // Plan in a repository without owners (nothing to evaluate); the others in one with an owner and a commit.
  const planRoot = gitRepository(false);
  const root = gitRepository(true);
  mkdirSync(path.join(root, "not-a-file"), { recursive: true });
  beforeEach(() => vi.stubEnv("ALTINN_ORGS_URL", REGISTRY));
  afterEach(() => vi.unstubAllEnvs());

  it.each(Object.keys(MAINS))("%s: exits 0, 1 or 2 with a clear message, never a stack trace", async (script) => {
    await fc.assert(
      fc.asyncProperty(argv(script), async (tokens) => {
        const safe = tokens.filter((token) => !token.startsWith("--root") && !token.startsWith("--registry="));
        output.clear();
        const code = await runCli(script, MAINS[script] as Main, [
          "--root",
          script === "plan" ? planRoot : root,
          ...safe,
        ]);
        expect([0, 1, 2]).toContain(code);
        expect(output.stderr()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
        expect(output.stderr()).not.toMatch(/TypeError|ReferenceError|RangeError|SyntaxError|Cannot read prop/);
        if (code === 2) expect(output.stderr().trim()).not.toBe("");
      }),
      { numRuns: 40 },
    );
  });
});
