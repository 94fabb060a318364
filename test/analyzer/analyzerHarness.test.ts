import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateFleet } from "../../infra/model/fleet";
import { stackName } from "../../infra/model/stackName";
import type { EnvironmentName } from "../../infra/model/schema";
import { evaluateStack, PROJECT, type RegisteredResource } from "../../plan/semantics/evaluate";
import { REPO_ROOT } from "../../repository/root";
import { POLICIES } from "../../policies/policies";
import { packConfigForFleet } from "../../policies/packConfig";
import { runPolicies, type PolicyViolation } from "../../policies/runner/runner";
import { REPO_SOURCES, TODAY } from "../support/fleet";
import { sampleDirectory } from "../support/repository";
import { PolicyPackProcess, type AnalysisResult } from "./analyzerHarness";

// A cold ts-node type check of the pack takes most of it; ts-node caches the result in the temp directory.
const PACK_TIMEOUT = 120_000;

/** The policies page's `--policy-pack-config` example, as a user would copy it. */
function readmePolicyConfig(): PolicyPackConfig {
  const page = readFileSync(path.join(REPO_ROOT, "docs/reference/policies.md"), "utf8");
  const block = /Enforcement levels are overridden[\s\S]*?```json\n([\s\S]*?)```/.exec(page)?.[1];
  if (!block) throw new Error("docs/reference/policies.md has no policy-pack config example");
  return JSON.parse(block) as PolicyPackConfig;
}

const fleet = validateFleet(REPO_SOURCES, TODAY);
const directory = sampleDirectory();
const sampleStacks = fleet.fleet.owners.flatMap(({ owner }) =>
  (Object.keys(owner.environments) as EnvironmentName[]).map((environment) => stackName(owner.org, environment)),
);

async function evaluate(stack: string, firstPreview = false): Promise<readonly RegisteredResource[]> {
  const evaluation = await evaluateStack({ stack, fleet, today: TODAY, directory, firstPreview });
  if (evaluation.error) throw new Error(evaluation.error);
  return evaluation.resources;
}

const byResource = (a: PolicyViolation, b: PolicyViolation) =>
  a.urn.localeCompare(b.urn) || a.policy.localeCompare(b.policy) || a.message.localeCompare(b.message);

function sorted(result: AnalysisResult) {
  return {
    violations: [...result.violations].sort(byResource),
    notApplicable: [...result.notApplicable].sort(
      (a, b) => a.urn.localeCompare(b.urn) || a.policy.localeCompare(b.policy),
    ),
  };
}

describe("the policy pack through Pulumi's policy-pack runner and the analyzer protocol", () => {
  let pack: PolicyPackProcess;
  const previews = new Map<string, readonly RegisteredResource[]>();
  const firstPreviews = new Map<string, readonly RegisteredResource[]>();

  beforeAll(async () => {
    const started = PolicyPackProcess.start(path.join(REPO_ROOT, "policies"), {
      project: PROJECT,
      stack: "digdir-prod",
      dryRun: true,
    });
    for (const stack of sampleStacks) previews.set(stack, await evaluate(stack));
    for (const stack of ["digdir-prod", "ttd-tt02"]) firstPreviews.set(stack, await evaluate(stack, true));
    pack = await started;
  }, PACK_TIMEOUT);
  afterAll(() => pack?.close());

  it("describes every policy with its name, description, enforcement level and config schema", () => {
    expect(pack.info).toMatchObject({ name: "altinn-apps", version: "0.1.0", supportsConfig: true });
    expect(pack.info.policies).toEqual(
      POLICIES.map((policy) => ({
        name: policy.name,
        description: policy.description,
        enforcementLevel: policy.enforcementLevel,
        ...(policy.configSchema
          ? {
              configSchema: {
                properties: policy.configSchema.properties,
                required: policy.configSchema.required ?? [],
              },
            }
          : {}),
      })),
    );
  });

  it("refuses malformed config the way the CLI does, before the pack sees it", async () => {
    expect(await pack.configure({ "aks-hardened": "sometimes" })).toEqual([
      'parsing enforcement level for "aks-hardened": "sometimes" is not a valid enforcement level',
    ]);
    expect(await pack.configure({ "prod-requires-accepted-terms": { asOf: "tomorrow", registry: "none" } })).toEqual([
      'validating policy config: altinn-apps 0.1.0  prod-requires-accepted-terms: asOf: must match pattern "^\\d{4}-\\d{2}-\\d{2}$"',
      "validating policy config: altinn-apps 0.1.0  prod-requires-accepted-terms: registry: must be object",
    ]);
  });

  // The README's example names one owner and a placeholder registry for allowed-locations: violations to compare.
  // With the fleet's own registry the sample fleet passes, as `npm run plan` reports.
  const configs: [string, () => PolicyPackConfig, readonly string[], boolean][] = [
    ["the docs' example config", readmePolicyConfig, ["digdir-prod", "ttd-prod", "ttd-tt02"], true],
    ["the sample fleet's registry as config", () => packConfigForFleet(fleet.fleet, TODAY), sampleStacks, false],
  ];
  it.each(configs)(
    "with %s, reports per resource what the in-process runner reports",
    async (_, config, stacks, fails) => {
      expect(await pack.configure(config())).toEqual([]);
      let violations = 0;
      for (const stack of stacks) {
        const resources = previews.get(stack) ?? [];
        const expected = await runPolicies(resources, { config: config() });
        const actual = await pack.analyze(resources);
        expect(sorted(actual), stack).toEqual(sorted(expected));
        violations += actual.violations.length;
        // The pack has no stack policies, and the runner runs none.
        expect(await pack.analyzeStack(resources)).toEqual([]);
      }
      expect(violations > 0).toBe(fails);
    },
  );

  it("reports the same during a first preview, where computed values are unknown", async () => {
    const config = packConfigForFleet(fleet.fleet, TODAY);
    expect(await pack.configure(config)).toEqual([]);
    for (const [stack, resources] of firstPreviews) {
      const expected = await runPolicies(resources, { config });
      const actual = await pack.analyze(resources);
      expect(sorted(actual), stack).toEqual(sorted(expected));
      expect(actual.violations.some((violation) => violation.message.includes("during preview"))).toBe(true);
    }
  });
});
