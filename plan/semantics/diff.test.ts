import { describe, expect, it } from "vitest";
import { diffStack, foldChanges, replacementRule } from "./diff";
import * as pulumi from "@pulumi/pulumi";
import { maskSecrets, type PlannedResource, type StackPlan } from "./stackPlan";

const vault = (properties: Record<string, unknown>, protect = true): PlannedResource => ({
  type: "azure-native:keyvault:Vault",
  name: "abc-prod-apps-kv",
  inputs: { vaultName: "abc-prod-apps-kv", location: "norwayeast", properties },
  protect,
});

const plan = (stack: string, resources: PlannedResource[], outputs: Record<string, unknown> = {}): StackPlan => ({
  stack,
  owner: stack.split("-")[0] ?? "",
  environment: stack.split("-")[1] ?? "",
  resources,
  members: [],
  violations: [],
  outputs,
});

describe("diffStack", () => {
  it("reports changed leaves as path: before → after, arrays of objects by index", () => {
    const base = plan("abc-prod", [
      vault({ networkAcls: { ipRules: [{ value: "192.0.2.0/24" }] }, enableSoftDelete: true }),
    ]);
    const head = plan("abc-prod", [
      vault({ networkAcls: { ipRules: [{ value: "198.51.100.0/24" }] }, enableSoftDelete: true }),
    ]);
    expect(diffStack({ stack: "abc-prod", base, head })).toMatchObject({
      status: "update",
      refusals: [],
      changes: [
        {
          type: "azure-native:keyvault:Vault",
          name: "abc-prod-apps-kv",
          action: "update",
          properties: [
            { path: "properties.networkAcls.ipRules[0].value", before: "192.0.2.0/24", after: "198.51.100.0/24" },
          ],
        },
      ],
    });
  });

  it("marks a replacement, and refuses it for a protected resource", () => {
    const base = plan("abc-prod", [vault({})]);
    const moved = { ...vault({}), inputs: { ...vault({}).inputs, location: "swedencentral" } };
    const diff = diffStack({ stack: "abc-prod", base, head: plan("abc-prod", [moved]) });
    expect(diff.changes[0]?.action).toBe("replace");
    expect(diff.refusals).toEqual([
      expect.stringMatching(/abc-prod-apps-kv is protected and would be replaced, because location \(ARM cannot move/),
    ]);
    const unprotected = diffStack({
      stack: "abc-tt02",
      base: plan("abc-tt02", [vault({}, false)]),
      head: plan("abc-tt02", [{ ...moved, protect: false }]),
    });
    expect(unprotected.refusals).toEqual([]);
  });

  it("refuses to delete a protected resource", () => {
    const diff = diffStack({ stack: "abc-prod", base: plan("abc-prod", [vault({})]), head: plan("abc-prod", []) });
    expect(diff.changes).toMatchObject([{ action: "delete" }]);
    expect(diff.refusals).toEqual([expect.stringMatching(/is protected and would be deleted\. Instead: restore/)]);
  });

  it("masks secrets: a secret output shows as [secret] on both sides", () => {
    const diff = diffStack({
      stack: "abc-prod",
      base: plan("abc-prod", [], { connectionString: "[secret]", clusterName: "a" }),
      head: plan("abc-prod", [], { connectionString: "[secret]", clusterName: "b" }),
    });
    expect(diff.changes).toEqual([
      {
        type: "pulumi:pulumi:Stack",
        name: "abc-prod",
        action: "update",
        properties: [{ path: "outputs.clusterName", before: "a", after: "b" }],
      },
    ]);
  });
});

describe("replacementRule", () => {
  it("matches a rule's path and what lies below it, nothing else", () => {
    const cluster = "azure-native:containerservice:ManagedCluster";
    expect(replacementRule(cluster, "networkProfile.outboundType")?.property).toBe("networkProfile.outboundType");
    expect(replacementRule("azure-native:network:PublicIPPrefix", "sku.name")?.property).toBe("sku");
    expect(replacementRule("azure-native:containerservice:AgentPool", "availabilityZones[1]")?.property).toBe(
      "availabilityZones",
    );
    expect(replacementRule(cluster, "networkProfile.outboundTypeX")).toBeUndefined();
    expect(replacementRule(cluster, "kubernetesVersion")).toBeUndefined();
    expect(replacementRule("azure-native:authorization:RoleAssignment", "principalId")).toBeDefined();
  });
});

describe("ignoreChanges", () => {
  const cluster = (vmSize: string, count: number, ignoreChanges?: string[]): PlannedResource => ({
    type: "azure-native:containerservice:ManagedCluster",
    name: "abc-prod-aks",
    inputs: { kubernetesVersion: "1.33", agentPoolProfiles: [{ name: "system", vmSize, count }] },
    protect: true,
    ...(ignoreChanges ? { ignoreChanges } : {}),
  });

  it("leaves out what Pulumi would not diff on update, as the working tree's options say", () => {
    const ignored = diffStack({
      stack: "abc-prod",
      base: plan("abc-prod", [cluster("Standard_D4s_v5", 3)]),
      head: plan("abc-prod", [cluster("Standard_D8s_v5", 5, ["agentPoolProfiles"])]),
    });
    expect(ignored.changes).toEqual([]);
    expect(ignored.differs).toBe(false);
    const byIndex = diffStack({
      stack: "abc-prod",
      base: plan("abc-prod", [cluster("Standard_D4s_v5", 3)]),
      head: plan("abc-prod", [cluster("Standard_D8s_v5", 5, ["agentPoolProfiles[*].count"])]),
    });
    expect(byIndex.changes.flatMap((change) => change.properties.map((property) => property.path))).toEqual([
      "agentPoolProfiles[0].vmSize",
    ]);
  });

  it("does not apply to a resource being created", () => {
    const created = diffStack({
      stack: "abc-prod",
      base: plan("abc-prod", []),
      head: plan("abc-prod", [cluster("Standard_D8s_v5", 5, ["agentPoolProfiles"])]),
    });
    expect(created.changes[0]?.action).toBe("create");
    expect(created.changes[0]?.properties.map((property) => property.path)).toContain("agentPoolProfiles[0].vmSize");
  });
});

describe("foldChanges", () => {
  it("folds one change seen on many stacks into one entry", () => {
    const change = (stack: string) =>
      diffStack({
        stack,
        base: plan(stack, [vault({ softDeleteRetentionInDays: 90 })]),
        head: plan(stack, [vault({ softDeleteRetentionInDays: 60 })]),
      });
    expect(foldChanges(["a-prod", "b-prod", "c-prod"].map(change))).toEqual([
      {
        type: "azure-native:keyvault:Vault",
        action: "update",
        path: "properties.softDeleteRetentionInDays",
        before: 90,
        after: 60,
        stacks: ["a-prod", "b-prod", "c-prod"],
      },
    ]);
  });
});

describe("maskSecrets", () => {
  it("replaces every secret input, however deep, by [secret]", () => {
    const secret = (value: unknown) => ({
      [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
      value,
    });
    expect(maskSecrets({ a: secret("InstrumentationKey=x"), b: [{ c: secret({ d: 1 }) }], e: "plain" })).toEqual({
      a: "[secret]",
      b: [{ c: "[secret]" }],
      e: "plain",
    });
  });
});
