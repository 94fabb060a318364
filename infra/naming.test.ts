import { describe, expect, it } from "vitest";
import registry from "../test/fixtures/altinn-orgs.json";
import { parseStackName, stackName } from "./model/stackName";
import { ORG_CODE } from "./model/owner";
import { ENVIRONMENTS, ROLES } from "./model/schema";
import {
  privilegedScheduleName,
  privilegedSchedulePrefix,
  NAME_KINDS,
  NAME_RULES,
  accessGroupNames,
  agentPoolName,
  appHostname,
  containerInsightsRuleName,
  resourceNames,
  violatesNameRule,
} from "./naming";

const orgCodes = Object.keys(registry.orgs);

describe("physical names", () => {
  it("follow Altinn's conventions", () => {
    expect(resourceNames("digdir", "prod")).toMatchObject({
      clusterResourceGroup: "altinnapps-digdir-prod-rg",
      monitorResourceGroup: "monitor-digdir-prod-rg",
      logAnalyticsWorkspace: "application-digdir-prod-law",
      applicationInsights: "digdir-prod-ai",
      keyVault: "digdir-prod-apps-kv",
      managedCluster: "digdir-prod-aks",
    });
    expect(accessGroupNames("digdir", "prod", "developer")).toMatchObject({
      displayName: "Altinn Apps digdir Prod Developer",
      mailNickname: "altinn-apps-digdir-prod-developer",
    });
    expect(appHostname("digdir", "apps.tt02.altinn.no")).toBe("digdir.apps.tt02.altinn.no");
  });

  it(`are valid for all ${orgCodes.length} org codes in Altinn's registry, in both environments`, () => {
    expect(orgCodes.length).toBeGreaterThan(100);
    const violations = orgCodes.flatMap((org) => {
      expect(org).toMatch(ORG_CODE);
      return ENVIRONMENTS.flatMap((environment) => {
        const names = resourceNames(org, environment);
        return (Object.keys(names) as (keyof typeof names)[]).flatMap(
          (key) => violatesNameRule(names[key], NAME_KINDS[key]) ?? [],
        );
      });
    });
    expect(violations).toEqual([]);
  });

  it("stay within every limit for the longest org code the schema allows", () => {
    for (const environment of ENVIRONMENTS) {
      const names = resourceNames("abcdefgh", environment);
      for (const key of Object.keys(names) as (keyof typeof names)[]) {
        expect(violatesNameRule(names[key], NAME_KINDS[key])).toBeUndefined();
      }
      for (const role of ROLES) {
        expect(
          violatesNameRule(accessGroupNames("abcdefgh", environment, role).mailNickname, "mailNickname"),
        ).toBeUndefined();
      }
    }
    expect(resourceNames("abcdefgh", "tt02").keyVault).toHaveLength(NAME_RULES.keyVault.max - 3);
  });

  it("name the Container Insights rule as Azure's onboarding does, within its limit in every allowed region", () => {
    expect(containerInsightsRuleName("norwayeast", "digdir-prod-aks")).toBe("MSCI-norwayeast-digdir-prod-aks");
    for (const location of ["norwayeast", "norwaywest", "westeurope", "swedencentral"]) {
      const name = containerInsightsRuleName(location, resourceNames("abcdefgh", "prod").managedCluster);
      expect(violatesNameRule(name, "dataCollectionRule")).toBeUndefined();
    }
  });

  it("reports names that break a limit", () => {
    expect(violatesNameRule("abcdefghi-tt02-apps-kv-x", "keyVault")).toBeUndefined();
    expect(violatesNameRule("abcdefghij-tt02-apps-kv-x", "keyVault")).toMatch(/3-24 characters \(is 25\)/);
    expect(violatesNameRule("1abc", "keyVault")).toMatch(/characters Azure does not allow/);
    expect(violatesNameRule("a--b", "keyVault")).toMatch(/characters Azure does not allow/);
  });
});

describe("PIM schedule names", () => {
  it("carry their role group's prefix, which no other group's schedule carries", () => {
    for (const role of ROLES) {
      const name = privilegedScheduleName("digdir", "prod", role, "kari@digdir.no");
      const matching = ROLES.filter((other) => name.startsWith(privilegedSchedulePrefix("digdir", "prod", other)));
      expect(matching).toEqual([role]);
    }
  });
});

describe("node pool names", () => {
  const settings = {
    vmSize: "Standard_D8s_v5",
    availabilityZones: ["1", "2", "3"],
    osSKU: "AzureLinux",
    enableEncryptionAtHost: true,
    subnet: "10.124.0.0/23",
  };

  it("are a short stable hash of the creation settings, within AKS's Linux pool name rule", () => {
    const name = agentPoolName("apps", settings);
    expect(name).toMatch(/^apps[0-9a-f]{6}$/);
    expect(violatesNameRule(name, "agentPool")).toBeUndefined();
    expect(agentPoolName("apps", { ...settings })).toBe(name);
    expect(agentPoolName("apps", { ...settings, availabilityZones: ["3", "1", "2"] })).toBe(name);
    expect(agentPoolName("apps", { ...settings, vmSize: "standard_d8s_v5" })).toBe(name);
  });

  it.each([
    ["vmSize", { vmSize: "Standard_D16s_v5" }],
    ["availabilityZones", { availabilityZones: ["1"] }],
    ["osSKU", { osSKU: "Ubuntu" }],
    ["enableEncryptionAtHost", { enableEncryptionAtHost: false }],
    ["subnet", { subnet: "10.124.4.0/23" }],
  ])("change when %s changes, so the change rolls a new pool", (_setting, change) => {
    expect(agentPoolName("apps", { ...settings, ...change })).not.toBe(agentPoolName("apps", settings));
  });
});

describe("stack names", () => {
  it("round-trip <org>-<env>", () => {
    expect(parseStackName(stackName("digdir", "prod"))).toEqual({ org: "digdir", environment: "prod" });
    expect(parseStackName("k0231-tt02")).toEqual({ org: "k0231", environment: "tt02" });
  });

  it.each(["digdir", "digdir-dev", "Digdir-prod", "digdir-prod-2", "d-prod", "dev/digdir-prod", "toolongorg-prod"])(
    "refuses %s",
    (stack) => {
      expect(() => parseStackName(stack)).toThrow(/must be <org>-<env>/);
    },
  );
});
