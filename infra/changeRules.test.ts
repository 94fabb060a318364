import { beforeAll, describe, expect, it } from "vitest";
import { plainValue } from "../plan/semantics/contracts/check";
import { providerContracts, type ContractNode } from "../plan/semantics/contracts/contract";
import { evaluateStack, type StackEvaluation } from "../plan/semantics/evaluate";
import { isAtOrBelow } from "../plan/semantics/diff";
import { REPO_ROOT } from "../repository/root";
import { layersWith, REPO_SOURCES, TODAY } from "../test/support/fleet";
import { sampleDirectory } from "../test/support/repository";
import { IMMUTABLE_STACK_FIELDS, REPLACEMENT_GUARDED_TYPES, REPLACEMENT_PROPERTIES } from "./changeRules";
import { loadFleet } from "../files/fleetReader";
import { validateFleet } from "./model/fleet";
import { stackSettings } from "./stackSettings";
import { UPSTREAM_FACTS } from "./upstreamReplacements";

/** Every leaf path of an input value (`networkProfile.podCidr`); an array or an empty object is one leaf. */
function leavesOf(value: unknown, prefix: string): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0)
    return value === undefined ? [] : [prefix];
  return Object.entries(value).flatMap(([key, item]) => leavesOf(item, prefix ? `${prefix}.${key}` : key));
}

/** The value at a table path (`networkProfile.outboundType`). */
function inputAt(inputs: Record<string, unknown>, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((value, segment) => (value as Record<string, unknown> | undefined)?.[segment], inputs);
}

/**
 * The inputs a resource sets that its contract marks create-only (ARM's x-ms-mutability) or force-new (azure-native's
 * replacement table, Terraform's ForceNew), as dot paths without array indices (`networkProfile.outboundType`).
 */
function changeRuledInputs(node: ContractNode, value: unknown, path = ""): { path: string; source: string }[] {
  const plain = plainValue(value);
  if (plain === undefined || plain === null) return [];
  const own = (node.rules ?? [])
    .filter((rule) => rule.kind === "createOnly" || rule.kind === "forceNew")
    .map((rule) => ({ path, source: rule.source }));
  const children = Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
    typeof plain === "object" && !Array.isArray(plain)
      ? changeRuledInputs(child, (plain as Record<string, unknown>)[key], path ? `${path}.${key}` : key)
      : [],
  );
  const items =
    node.items && Array.isArray(plain)
      ? plain.flatMap((item) => changeRuledInputs(node.items as ContractNode, item, path))
      : [];
  return [...own, ...children, ...items];
}

describe("the day-2 tables", () => {
  let prod: StackEvaluation;
  /** The same stack with the layer's optional Key Vault private endpoint, so its resource types are registered too. */
  let withPrivateEndpoint: StackEvaluation;
  beforeAll(async () => {
    prod = await evaluateStack({
      stack: "digdir-prod",
      fleet: loadFleet(REPO_ROOT, TODAY),
      today: TODAY,
      directory: sampleDirectory(),
    });
    expect(prod.error).toBeUndefined();
    withPrivateEndpoint = await evaluateStack({
      stack: "digdir-prod",
      fleet: validateFleet(
        {
          ...REPO_SOURCES,
          layers: layersWith("prod", (text) => `${text}  altinn-apps:keyVaultPrivateEndpoint: {}\n`),
        },
        TODAY,
      ),
      today: TODAY,
      directory: sampleDirectory(),
    });
    expect(withPrivateEndpoint.error).toBeUndefined();
  });

  it("read a value for every immutable field of a real stack, each with a reason and what to do instead", () => {
    const target = prod.target;
    if (!target) throw new Error("no target");
    const settings = stackSettings(target);
    for (const field of IMMUTABLE_STACK_FIELDS) {
      expect(field.read(settings), field.setting).toBeDefined();
      expect(field.reason.length, field.setting).toBeGreaterThan(40);
      expect(field.instead.length, field.setting).toBeGreaterThan(20);
    }
    expect(IMMUTABLE_STACK_FIELDS.map((field) => field.read(settings))).toContainEqual([
      "10.124.0.0/22",
      "10.124.0.0/23",
    ]);
  });

  it("name only inputs the program really sets on the types it registers (no typos, no stale entries)", () => {
    for (const { type, property } of REPLACEMENT_PROPERTIES) {
      const registered = withPrivateEndpoint.resources.filter((resource) => resource.type === type);
      expect(registered.length, type).toBeGreaterThan(0);
      for (const resource of registered)
        expect(inputAt(resource.inputs, property), `${type} ${property}`).toBeDefined();
    }
  });

  it("meet only ignoreChanges paths the plan diff understands (names, dots, [*]; no index into a plain array)", () => {
    const paths = withPrivateEndpoint.resources.flatMap((resource) => resource.ignoreChanges);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(path).toMatch(/^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*|\[\*\])*$/);
  });

  it("list nothing Pulumi never diffs (a path under the resource's ignoreChanges)", () => {
    for (const { type, property } of REPLACEMENT_PROPERTIES) {
      for (const resource of withPrivateEndpoint.resources.filter((registered) => registered.type === type))
        expect(
          resource.ignoreChanges.some((ignored) => isAtOrBelow(property, ignored)),
          `${type} ${property}`,
        ).toBe(false);
    }
    // The case that made the rule: the inline system pool is ignored after creation, so its settings are immutable
    // stack fields, not replacements of the cluster.
    const cluster = prod.resources.find((resource) => resource.type === "azure-native:containerservice:ManagedCluster");
    expect(cluster?.ignoreChanges).toEqual(["agentPoolProfiles"]);
  });

  it("cover every input the program sets that the providers' contracts mark create-only or force-new", () => {
    const contracts = new Map(providerContracts().flatMap((contract) => Object.entries(contract.types)));
    const missing = new Set<string>();
    let checked = 0;
    for (const resource of withPrivateEndpoint.resources) {
      const contract = contracts.get(resource.type);
      if (!contract) continue;
      for (const { path, source } of changeRuledInputs(contract.inputs, resource.inputs)) {
        checked++;
        const covered =
          REPLACEMENT_PROPERTIES.some((entry) => entry.type === resource.type && isAtOrBelow(path, entry.property)) ||
          resource.ignoreChanges.some((ignored) => isAtOrBelow(path, ignored));
        if (!covered) missing.add(`${resource.type} ${path} (${source})`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect([...missing]).toEqual([]);
  });

  it("cover the apps pool's creation settings, from which its name is derived", () => {
    const poolProperties = REPLACEMENT_PROPERTIES.filter(
      (entry) => entry.type === "azure-native:containerservice:AgentPool",
    ).map((entry) => entry.property);
    expect(poolProperties).toEqual(
      expect.arrayContaining([
        "agentPoolName",
        "vmSize",
        "availabilityZones",
        "osSKU",
        "enableEncryptionAtHost",
        "vnetSubnetID",
      ]),
    );
  });

  it("cover what azure-native replaces and Azure refuses, for every type the program registers (infra/upstreamReplacements.ts)", () => {
    const registered = [...prod.resources, ...withPrivateEndpoint.resources].filter((resource) => resource.custom);
    const uncovered: string[] = [];
    for (const resource of registered) {
      const facts = UPSTREAM_FACTS[resource.type];
      expect(facts, `${resource.type}: no entry in UPSTREAM_FACTS`).toBeDefined();
      for (const fact of facts ?? []) {
        const leaves = leavesOf(inputAt(resource.inputs, fact.property), fact.property).filter(
          (leaf) => !resource.ignoreChanges.some((ignored) => isAtOrBelow(leaf, ignored)),
        );
        for (const leaf of leaves) {
          const rule = REPLACEMENT_PROPERTIES.find(
            (candidate) => candidate.type === resource.type && isAtOrBelow(leaf, candidate.property),
          );
          if (rule?.effect !== fact.effect)
            uncovered.push(
              `${resource.type} ${leaf}: ${fact.effect} (${fact.source}), rule says ${rule?.effect ?? "nothing"}`,
            );
        }
      }
    }
    expect([...new Set(uncovered)]).toEqual([]);
  });

  it("name the reasons right: outbound type and pool size replace; a vault cannot move; recovery and one-way switches are refused", () => {
    const effect = (type: string, property: string) =>
      REPLACEMENT_PROPERTIES.find((rule) => rule.type === type && isAtOrBelow(property, rule.property))?.effect;
    const cluster = "azure-native:containerservice:ManagedCluster";
    expect(effect(cluster, "networkProfile.outboundType")).toBe("replace");
    expect(effect(cluster, "networkProfile.networkPolicy")).toBe("replace");
    expect(effect(cluster, "location")).toBe("replace");
    expect(effect(cluster, "oidcIssuerProfile.enabled")).toBe("refused");
    expect(effect(cluster, "aadProfile.managed")).toBe("refused");
    expect(effect("azure-native:containerservice:AgentPool", "vmSize")).toBe("replace");
    expect(effect("azure-native:keyvault:Vault", "location")).toBe("refused");
    expect(effect("azure-native:keyvault:Vault", "properties.enablePurgeProtection")).toBe("refused");
    expect(effect("azure-native:keyvault:Vault", "properties.softDeleteRetentionInDays")).toBe("refused");
    expect(effect("azure-native:network:PrivateEndpoint", "subnet.id")).toBe("replace");
  });

  it("protect every cluster, vault, workspace and network whose replacement they refuse, tt02 included", async () => {
    const tt02 = await evaluateStack({
      stack: "digdir-tt02",
      fleet: loadFleet(REPO_ROOT, TODAY),
      today: TODAY,
      directory: sampleDirectory(),
    });
    for (const evaluation of [prod, tt02]) {
      const guarded = evaluation.resources.filter((resource) => REPLACEMENT_GUARDED_TYPES.includes(resource.type));
      expect(new Set(guarded.map((resource) => resource.type)).size).toBe(REPLACEMENT_GUARDED_TYPES.length);
      for (const resource of guarded) expect(resource.protect, `${evaluation.stack} ${resource.name}`).toBe(true);
    }
  });
});
