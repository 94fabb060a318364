import { beforeAll, describe, expect, it } from "vitest";
import { evaluateStack, type StackEvaluation } from "../plan/semantics/evaluate";
import { isAtOrBelow } from "../plan/semantics/diff";
import { REPO_ROOT } from "../repository/root";
import { layersWith, REPO_SOURCES, TODAY } from "../test/support/fleet";
import { sampleDirectory } from "../test/support/repository";
import { IMMUTABLE_STACK_FIELDS, REPLACEMENT_PROPERTIES } from "./changeRules";
import { loadFleet, validateFleet } from "./model";

/** The value at a table path (`networkProfile.outboundType`). */
function inputAt(inputs: Record<string, unknown>, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((value, segment) => (value as Record<string, unknown> | undefined)?.[segment], inputs);
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
    for (const field of IMMUTABLE_STACK_FIELDS) {
      expect(field.read(target), field.setting).toBeDefined();
      expect(field.reason.length, field.setting).toBeGreaterThan(40);
      expect(field.instead.length, field.setting).toBeGreaterThan(20);
    }
    expect(IMMUTABLE_STACK_FIELDS.map((field) => field.read(target))).toContainEqual([
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
});
