import { describe, expect, it } from "vitest";
import { loadFleet } from "../infra/model";
import { directoryOf } from "../lib/azureMocks";
import { evaluateStack } from "../lib/evaluate";
import { ownerYaml, TODAY } from "../test/support/fleet";
import { writeRepository } from "../test/support/repository";
import { packConfigForFleet } from "./registry";
import { runPolicies } from "./runner/runner";

const USERS = ["dev.abc@ai-dev.no", "ops.abc@ai-dev.brreg.no", "dev.xyz@ai-dev.no", "ops.xyz@ai-dev.brreg.no"];

async function verdicts(stack: string) {
  const root = writeRepository([ownerYaml("abc"), ownerYaml("xyz", { termsOfUse: undefined })]);
  const fleet = loadFleet(root, TODAY);
  const evaluation = await evaluateStack({ stack, fleet, today: TODAY, directory: directoryOf(USERS) });
  expect(evaluation.error).toBeUndefined();
  const config = packConfigForFleet(fleet.fleet, TODAY);
  return { evaluation, report: await runPolicies(evaluation.resources, { config }) };
}

describe("the real program under the policy pack", () => {
  it("passes every policy for a prod owner that has accepted the terms", async () => {
    const { report } = await verdicts("abc-prod");
    expect(report.violations).toEqual([]);
  });

  it("blocks every Azure resource of a prod owner without accepted terms, and nothing else", async () => {
    const { evaluation, report } = await verdicts("xyz-prod");
    const azureResources = evaluation.resources.filter((resource) => resource.type.startsWith("azure-native:"));
    expect(azureResources.length).toBeGreaterThan(10);
    expect(new Set(report.violations.map((violation) => violation.policy))).toEqual(
      new Set(["prod-requires-accepted-terms"]),
    );
    expect(report.violations.map((violation) => violation.urn).sort()).toEqual(
      azureResources.map((resource) => resource.urn).sort(),
    );
    for (const violation of report.violations) {
      expect(violation).toMatchObject({
        level: "mandatory",
        message:
          "xyz may not have prod resources until the terms of use are accepted: no termsOfUse record: the owner has not accepted the terms of use (version 2025-1)",
      });
    }
  });

  it("lets the same owner into tt02", async () => {
    const { report } = await verdicts("xyz-tt02");
    expect(report.violations).toEqual([]);
  });
});
