import { describe, expect, it } from "vitest";
import registry from "../test/fixtures/altinn-orgs.json";
import { ENVIRONMENTS, ORG_CODE, ROLES, parseStackName, stackName } from "./model";
import { NAME_KINDS, NAME_RULES, accessGroupNames, appHostname, resourceNames, violatesNameRule } from "./naming";

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

  it("reports names that break a limit", () => {
    expect(violatesNameRule("abcdefghi-tt02-apps-kv-x", "keyVault")).toBeUndefined();
    expect(violatesNameRule("abcdefghij-tt02-apps-kv-x", "keyVault")).toMatch(/3-24 characters \(is 25\)/);
    expect(violatesNameRule("1abc", "keyVault")).toMatch(/characters Azure does not allow/);
    expect(violatesNameRule("a--b", "keyVault")).toMatch(/characters Azure does not allow/);
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
