import { ManagedCluster } from "@pulumi/azure-native/containerservice";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { unknown } from "@pulumi/pulumi/output";
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policies";
import { resource, TYPES } from "../testing/fixtures";
import { enforcementLevelOf, runPolicies } from "./runner";

const readsAddons: ResourceValidationPolicy = {
  name: "reads-addons",
  description: "test policy",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, report) => {
    if (cluster.addonProfiles?.["omsagent"]?.config?.["logAnalyticsWorkspaceResourceID"] === undefined)
      report("missing");
  }),
};

describe("the in-process policy runner", () => {
  it("reports a value unknown during preview as an advisory 'can't run', not a pass", async () => {
    const cluster = resource(TYPES.cluster, {
      addonProfiles: { omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: unknown } } },
    });
    const report = await runPolicies([cluster], { policies: [readsAddons] });
    expect(report.violations).toEqual([
      {
        policy: "reads-addons",
        level: "advisory",
        message: expect.stringMatching(
          /^can't run policy 'reads-addons' from policy pack 'altinn-apps@v0.1.0' during preview: string value at .addonProfiles.omsagent.config.logAnalyticsWorkspaceResourceID can't be known during preview$/,
        ),
        urn: cluster.urn,
      },
    ]);
  });

  it("filters by the policy's resource type and records it as not applicable", async () => {
    const vault = resource(TYPES.vault, {});
    const report = await runPolicies([vault], { policies: [readsAddons] });
    expect(report.violations).toEqual([]);
    expect(report.notApplicable).toEqual([
      {
        policy: "reads-addons",
        urn: vault.urn,
        reason: "Policy only applies to resources of type 'azure-native:containerservice:ManagedCluster'",
      },
    ]);
  });

  it("resolves enforcement levels as the analyzer does: policy entry, then 'all', then the default", () => {
    expect(enforcementLevelOf(readsAddons, {})).toBe("mandatory");
    expect(enforcementLevelOf(readsAddons, { all: "advisory" })).toBe("advisory");
    expect(enforcementLevelOf(readsAddons, { all: "advisory", "reads-addons": { enforcementLevel: "disabled" } })).toBe(
      "disabled",
    );
    expect(enforcementLevelOf(readsAddons, { "reads-addons": "advisory" })).toBe("advisory");
  });

  it("propagates a policy that crashes, naming the policy", async () => {
    const crashes: ResourceValidationPolicy = {
      name: "crashes",
      description: "",
      validateResource: () => {
        throw new Error("boom");
      },
    };
    await expect(runPolicies([resource(TYPES.vault, {})], { policies: [crashes] })).rejects.toThrow(
      "Error validating resource with policy 'crashes': boom",
    );
  });

  it("holds the pack's policies, uniquely and well named, each mandatory by default", () => {
    const names = POLICIES.map((policy) => policy.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual([
      "aks-hardened",
      "aks-owner-network",
      "aks-security-baseline",
      "allowed-locations",
      "appinsights-workspace-based",
      "azure-resources-tagged",
      "keyvault-hardened",
      "keyvault-network-restricted",
      "loganalytics-entra-only",
      "prod-operations-just-in-time",
      "prod-requires-accepted-terms",
      "prod-stateful-protected",
      "role-assignments-to-groups-only",
    ]);
    for (const policy of POLICIES) {
      expect(policy.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(policy.enforcementLevel).toBe("mandatory");
      expect(policy.description.length).toBeGreaterThan(20);
    }
  });
});
