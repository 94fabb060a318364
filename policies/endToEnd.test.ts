import { describe, expect, it } from "vitest";
import { loadFleet } from "../files/fleetReader";
import { directoryOf } from "../plan/semantics/azureMocks";
import { evaluateStack } from "../plan/semantics/evaluate";
import { ownerYaml, TODAY } from "../test/support/fleet";
import { writeRepository } from "../test/support/repository";
import { packConfigForFleet } from "./packConfig";
import { runPolicies } from "./runner/runner";

const USERS = ["dev.abc@ai-dev.no", "ops.abc@ai-dev.brreg.no", "dev.xyz@ai-dev.no", "ops.xyz@ai-dev.brreg.no"];

async function verdicts(stack: string, firstPreview = false) {
  const root = writeRepository([ownerYaml("abc"), ownerYaml("xyz", { termsOfUse: undefined })]);
  const fleet = loadFleet(root, TODAY);
  const evaluation = await evaluateStack({ stack, fleet, today: TODAY, directory: directoryOf(USERS), firstPreview });
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

  describe("on the first preview of a new stack, when Azure has computed nothing yet", () => {
    it("still refuses a prod owner without accepted terms: the gate reads only known values", async () => {
      const { report } = await verdicts("xyz-prod", true);
      const mandatory = report.violations.filter((violation) => violation.level === "mandatory");
      expect(mandatory.length).toBeGreaterThan(10);
      expect(new Set(mandatory.map((violation) => violation.policy))).toEqual(
        new Set(["prod-requires-accepted-terms"]),
      );
    });

    it("reports the checks that need computed values as advisory 'can't run during preview', never as passed", async () => {
      const { evaluation, report } = await verdicts("abc-prod", true);
      expect(evaluation.outputs).toMatchObject({
        clusterId: "[unknown]",
        keyVaultUri: "[unknown]",
        appHostname: "abc.apps.altinn.no",
      });
      expect(report.violations.filter((violation) => violation.level === "mandatory")).toEqual([]);
      // azure-native fills the cluster's security profile and the vault's properties through an apply, so all of
      // them are unknown until the workspace and the node subnet exist; so are the pools' subnet ids. `pulumi up`
      // runs the analyzer again with the values known.
      expect(report.violations.map((violation) => [violation.policy, violation.urn.split("::").at(-1)]).sort()).toEqual(
        [
          ["aks-hardened", "abc-prod-aks"],
          ["aks-owner-network", "abc-prod-aks"],
          ["aks-owner-network", "abc-prod-aks-apps"],
          ["aks-security-baseline", "abc-prod-aks"],
          ["appinsights-workspace-based", "abc-prod-ai"],
          ["keyvault-hardened", "abc-prod-apps-kv"],
          ["keyvault-network-restricted", "abc-prod-apps-kv"],
        ],
      );
      for (const violation of report.violations)
        expect(violation.message).toMatch(
          /^can't run policy '[a-z-]+' from policy pack 'altinn-apps@v0.1.0' during preview: /,
        );
    });
  });
});
