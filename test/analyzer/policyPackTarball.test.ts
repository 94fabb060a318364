import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateFleet } from "../../infra/model/fleet";
import { evaluateStack, PROJECT, type RegisteredResource } from "../../plan/semantics/evaluate";
import { buildPolicyPack } from "../../tooling/policyPack";
import { REPO_ROOT } from "../../repository/root";
import { POLICIES } from "../../policies/policies";
import { packConfigForFleet } from "../../policies/packConfig";
import { runPolicies } from "../../policies/runner/runner";
import { REPO_SOURCES, TODAY } from "../support/fleet";
import { sampleDirectory } from "../support/repository";
import { PolicyPackProcess } from "./analyzerHarness";

const fleet = validateFleet(REPO_SOURCES, TODAY);

describe("the published policy pack, loaded from its tarball outside the repository", () => {
  let work: string;
  let tarballName: string;
  let pack: PolicyPackProcess;
  let resources: readonly RegisteredResource[];

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "altinn-apps-pack-"));
    const built = path.join(work, "build");
    buildPolicyPack(REPO_ROOT, built);
    // As `pulumi policy publish` does (sdk/nodejs/npm/npm.go Pack): the tarball's name is npm pack's whole stdout.
    tarballName = execFileSync("npm", ["pack", "--loglevel=error"], { cwd: built, encoding: "utf8" }).trim();
    // As installRequiredPolicy does: extract, then install the declared dependencies, here linked from this
    // repository's node_modules (no network): only those package.json names, so an undeclared import fails to load.
    const installed = path.join(work, "installed");
    mkdirSync(installed);
    execFileSync("tar", ["xzf", path.join(built, tarballName), "-C", installed]);
    const packDirectory = path.join(installed, "package");
    const manifest = JSON.parse(readFileSync(path.join(packDirectory, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies)) {
      const link = path.join(packDirectory, "node_modules", dependency);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(path.join(REPO_ROOT, "node_modules", dependency), link, "dir");
    }
    const started = PolicyPackProcess.start(packDirectory, { project: PROJECT, stack: "digdir-prod", dryRun: true });
    const evaluation = await evaluateStack({ stack: "digdir-prod", fleet, today: TODAY, directory: sampleDirectory() });
    resources = evaluation.resources;
    pack = await started;
  }, 120_000);
  afterAll(async () => {
    await pack?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("is one npm pack tarball holding the bundle, the pack project and a manifest that pins @pulumi/policy", () => {
    expect(tarballName).toBe("altinn-apps-policies-0.1.0.tgz");
    const listing = execFileSync("tar", ["tzf", path.join(work, "build", tarballName)], { encoding: "utf8" });
    expect(listing.split("\n").filter(Boolean).sort()).toEqual([
      "package/PulumiPolicy.yaml",
      "package/index.js",
      "package/package.json",
    ]);
    const manifest = JSON.parse(readFileSync(path.join(work, "installed", "package", "package.json"), "utf8"));
    expect(manifest.dependencies["@pulumi/policy"]).toMatch(/^~/);
  });

  it("serves every policy", () => {
    expect(pack.info.policies.map((policy) => policy.name)).toEqual(POLICIES.map((policy) => policy.name));
  });

  it("refuses prod until the registry comes through policy config", async () => {
    const withoutConfig = await pack.analyze(resources);
    const terms = withoutConfig.violations.filter((violation) => violation.policy === "prod-requires-accepted-terms");
    expect(terms.length).toBeGreaterThan(0);
    expect(terms.every((violation) => violation.message.includes("the policy config has no registry"))).toBe(true);

    const config = packConfigForFleet(fleet.fleet, TODAY);
    expect(await pack.configure(config)).toEqual([]);
    const configured = await pack.analyze(resources);
    expect(configured.violations).toEqual((await runPolicies(resources, { config })).violations);
    expect(configured.violations.filter((violation) => violation.level === "mandatory")).toEqual([]);
  });
});
