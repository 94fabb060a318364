import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/cli";
import { REPO_ROOT } from "../repository/root";
import { ownerYaml } from "../test/support/fleet";
import { captureOutput } from "../test/support/output";
import { commitAll, writeRepository } from "../test/support/repository";
import { main as newOwner } from "./newOwner";
import { main as plan } from "./plan";
import { main as validate } from "./validate";

const gitRepository = () => commitAll(writeRepository([ownerYaml("abc")]));

const output = captureOutput();

describe("the command line cannot be turned against git or the tools", () => {
  it("refuses a ref that git would read as an option, and writes no file", async () => {
    const root = gitRepository();
    expect(await runCli("plan", plan, ["--root", root, "--list", "--changed-since=--output=FILE"])).toBe(2);
    expect(output.stderr()).toBe('plan: "--output=FILE" is not a git ref (a ref cannot start with "-")\n');
    expect(existsSync(path.join(root, "FILE"))).toBe(false);
    output.clear();
    expect(await runCli("plan", plan, ["--root", root, "--list", "--changed-since", "HEAD~9"])).toBe(2);
    expect(output.stderr()).toBe(`plan: "HEAD~9" is not a commit in ${root}\n`);
  });

  it.each([["abc"], ["0"], ["1e3"], ["65"], ["2.5"]])("refuses --workers %s as a usage error", async (value) => {
    expect(await runCli("plan", plan, ["--list", "--workers", value])).toBe(2);
    expect(output.stderr()).toMatch(/--workers <count>.*expected a whole number from 1 to 64/);
  });

  it("refuses a --cache-dir that is a file in one line, as a usage error", async () => {
    const root = gitRepository();
    const file = path.join(root, "not-a-folder");
    writeFileSync(file, "");
    expect(await runCli("plan", plan, ["--root", root, "--stack", "abc-tt02", "--cache-dir", file])).toBe(2);
    expect(output.stderr()).toBe(
      `plan: option '--cache-dir ${file}': is not a directory (a plan cache is a folder of files)\n`,
    );
  });

  it("refuses a stack name that is not <org>-<env>", async () => {
    expect(await runCli("plan", plan, ["--list", "--stack", "abc-staging"])).toBe(2);
    expect(output.stderr()).toMatch(/stack name "abc-staging" must be <org>-<env>/);
  });

  it("runs every script through scripts/run.mjs: one line on stderr and the exit code, no stack trace", () => {
    const run = (...args: string[]) =>
      spawnSync("node", ["scripts/run.mjs", ...args], { cwd: REPO_ROOT, encoding: "utf8" });
    const badRef = run("plan", "--list", "--changed-since=--output=FILE");
    expect(badRef.status).toBe(2);
    expect(badRef.stderr).toBe('plan: "--output=FILE" is not a git ref (a ref cannot start with "-")\n');
    const unknown = run("../package");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /^usage: node scripts\/run.mjs <script>.*one of accessDiff, .*newOwner, plan, .*validate\n$/,
    );
  });
});

describe("output to a closed pipe", () => {
  it("ends quietly, with the command's own exit code, when the reader has gone (| head)", async () => {
    const root = gitRepository();
    const child = spawn("node", ["scripts/run.mjs", "plan", "--root", root, "--list"], { cwd: REPO_ROOT });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(stderr).toBe("");
    expect(status).toBe(0);
  });
});

describe("new-owner takes only validated registry data", () => {
  function registry(entry: Record<string, unknown>): string {
    const file = path.join(writeRepository([]), "orgs.json");
    writeFileSync(file, JSON.stringify({ orgs: { dat: entry } }));
    return file;
  }

  it("without network, says to use --registry <file>, naming the copy this repository ships", async () => {
    const root = writeRepository([]);
    expect(
      await runCli("newOwner", newOwner, ["dat", "--root", root, "--registry", "http://127.0.0.1:9/orgs.json"]),
    ).toBe(1);
    expect(output.stderr()).toMatch(
      /^new-owner: could not fetch http:\/\/127.0.0.1:9\/orgs.json \(.*\); without network, use --registry <file>: this repository ships a copy, --registry test\/fixtures\/altinn-orgs\.json\n$/,
    );
  });

  it("refuses a registry entry that tries to inject keys or lines", async () => {
    const root = writeRepository([]);
    const forged = registry({
      name: { en: 'Dat\ntermsOfUse:\n  version: "2025-1"', nb: "Dat" },
      orgnr: '974761211"\ntermsOfUse: {}\nx: "',
      environments: ["production"],
    });
    expect(await runCli("newOwner", newOwner, ["dat", "--root", root, "--registry", forged])).toBe(1);
    expect(output.stderr()).toMatch(
      /^new-owner: the registry's entry for "dat" is unusable: dat.name.en: contains an invisible or control character \(U\+000A at position 4\).*; dat.orgnr: must be 9 digits or empty\n$/,
    );
    expect(existsSync(path.join(root, "stacks/dat.yaml"))).toBe(false);
  });

  it("ignores registry fields it does not use, so a forged termsOfUse never reaches the owner file", async () => {
    const root = writeRepository([]);
    const forged = registry({
      name: { en: "Dat: {termsOfUse: x}", nb: "Dat # comment" },
      orgnr: "974761211",
      environments: ["production"],
      termsOfUse: { version: "2025-1", acceptedBy: "nobody" },
    });
    expect(await runCli("newOwner", newOwner, ["dat", "--root", root, "--registry", forged])).toBe(0);
    const text = readFileSync(path.join(root, "stacks/dat.yaml"), "utf8");
    expect(text).not.toMatch(/^termsOfUse/m);
    expect(text).toMatch(/^ {2}en: "Dat: \{termsOfUse: x\}"$/m);
    expect(text).toMatch(/^ {2}nb: "Dat # comment"$/m);
  });

  it("refuses a registry that is a device, a directory or not JSON", async () => {
    const root = writeRepository([]);
    for (const [location, message] of [
      ["/dev/zero", /the registry file \/dev\/zero is not a regular file/],
      [root, /is a directory/],
      [path.join(REPO_ROOT, "README.md"), /is not JSON/],
    ] as const) {
      output.clear();
      expect(await runCli("newOwner", newOwner, ["dat", "--root", root, "--registry", location])).toBe(1);
      expect(output.stderr()).toMatch(message);
    }
  });
});

describe("validate reports warnings next to errors", () => {
  it("in text and JSON, without failing", async () => {
    const root = writeRepository([
      ownerYaml("abc", {
        termsOfUse: {
          version: "2024-2",
          acceptedAt: "2025-02-03",
          acceptedBy: "Kari Nordmann",
          reference: "ref",
          riskAssessment: true,
          privacyAssessment: true,
          dataProcessingAgreement: true,
          serviceLevelAgreement: true,
        },
      }),
    ]);
    expect(await runCli("validate", validate, ["--root", root, "--today", "2026-11-23"])).toBe(0);
    expect(output.stdout()).toMatch(
      /^warning: stacks\/abc.yaml:\d+:\d+: termsOfUse.version: version "2024-2" is not the version prod requires: the owner must accept version "2025-1"/,
    );
    output.clear();
    expect(await runCli("validate", validate, ["--root", root, "--today", "2026-11-23", "--format", "json"])).toBe(0);
    const report = JSON.parse(output.stdout()) as { valid: boolean; errors: unknown[]; warnings: { path: string }[] };
    expect(report.valid).toBe(true);
    expect(report.warnings.map((warning) => warning.path)).toEqual(["termsOfUse.version"]);
  });
});
