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

  it("refuses an update Azure refuses (a vault cannot move region: InvalidResourceLocation), protected or not", () => {
    const base = plan("abc-prod", [vault({})]);
    const moved = { ...vault({}), inputs: { ...vault({}).inputs, location: "swedencentral" } };
    const diff = diffStack({ stack: "abc-prod", base, head: plan("abc-prod", [moved]) });
    expect(diff.changes[0]?.action).toBe("update");
    expect(diff.refusals).toEqual([
      expect.stringMatching(/abc-prod-apps-kv cannot be changed this way, because location \(ARM cannot move/),
    ]);
    const unprotected = diffStack({
      stack: "abc-tt02",
      base: plan("abc-tt02", [vault({}, false)]),
      head: plan("abc-tt02", [{ ...moved, protect: false }]),
    });
    expect(unprotected.refusals).toHaveLength(1);
  });

  it("lists a cluster replacement apart, in tt02 too and protected or not, for a pull request to approve explicitly", () => {
    const cluster = (networkPolicy: string, protect: boolean): PlannedResource => ({
      type: "azure-native:containerservice:ManagedCluster",
      name: "abc-tt02-aks",
      inputs: { resourceName: "abc-tt02-aks", networkProfile: { networkPlugin: "azure", networkPolicy } },
      protect,
    });
    for (const protect of [true, false]) {
      const diff = diffStack({
        stack: "abc-tt02",
        base: plan("abc-tt02", [cluster("cilium", protect)]),
        head: plan("abc-tt02", [cluster("azure", protect)]),
      });
      expect(diff.changes).toMatchObject([{ action: "replace" }]);
      expect(diff.refusals).toEqual([]);
      expect(diff.replacements).toEqual([
        expect.stringMatching(
          /^abc-tt02: azure-native:containerservice:ManagedCluster abc-tt02-aks would be replaced .* because networkProfile\.networkPolicy \(fixed when the cluster is created.*replacement-approved label/,
        ),
      ]);
      expect(diff.differs).toBe(true);
    }
  });

  it("shows an adopted resource as an import, not a create", () => {
    const adopted = {
      ...vault({}),
      import: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/abc-prod-apps-kv",
    };
    const diff = diffStack({ stack: "abc-prod", base: plan("abc-prod", []), head: plan("abc-prod", [adopted]) });
    expect(diff.changes).toMatchObject([{ type: "azure-native:keyvault:Vault", action: "import" }]);
    // Once in the state (the base has it), the option is inert and the resource diffs as usual.
    const again = diffStack({
      stack: "abc-prod",
      base: plan("abc-prod", [adopted]),
      head: plan("abc-prod", [adopted]),
    });
    expect(again.changes).toEqual([]);
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

describe("replaceOnChanges and deleteBeforeReplace", () => {
  const schedule = (inputs: Record<string, unknown>, options: Partial<PlannedResource> = {}): PlannedResource => ({
    type: "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule",
    name: "altinn-apps-abc-prod-developer-dev.abc@ai-dev.no",
    inputs: { assignmentType: "member", justification: "stacks/abc.yaml", ...inputs },
    protect: false,
    ...options,
  });
  const change = (before: PlannedResource, after: PlannedResource) =>
    diffStack({ stack: "abc-prod", base: plan("abc-prod", [before]), head: plan("abc-prod", [after]) }).changes;
  const renewal = [{ expirationDate: "2027-01-31T23:00:00Z" }, { expirationDate: "2027-03-31T22:00:00Z" }] as const;

  it("makes any change a replacement, deleted first, when the resource says * and deleteBeforeReplace", () => {
    const options = { replaceOnChanges: ["*"], deleteBeforeReplace: true } as const;
    expect(change(schedule(renewal[0]), schedule(renewal[1], options))).toEqual([
      expect.objectContaining({ action: "replace", deleteFirst: true }),
    ]);
  });

  it("is an update without them, and a replacement only of the paths named", () => {
    expect(change(schedule(renewal[0]), schedule(renewal[1]))).toEqual([
      expect.not.objectContaining({ deleteFirst: true }),
    ]);
    expect(change(schedule(renewal[0]), schedule(renewal[1]))[0]?.action).toBe("update");
    const named = { replaceOnChanges: ["justification"], deleteBeforeReplace: true } as const;
    expect(change(schedule(renewal[0]), schedule(renewal[1], named))[0]).toMatchObject({ action: "update" });
    expect(change(schedule(renewal[0]), schedule(renewal[1], named))[0]?.deleteFirst).toBeUndefined();
    expect(change(schedule({ justification: "a" }), schedule({ justification: "b" }, named))[0]).toMatchObject({
      action: "replace",
      deleteFirst: true,
    });
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
