import { beforeAll, describe, expect, it } from "vitest";
import { evaluateStack, type StackEvaluation } from "../lib/evaluate";
import { REPO_ROOT } from "../lib/repo";
import { TODAY } from "../test/support/fleet";
import { sampleDirectory } from "../test/support/repository";
import { IMMUTABLE_STACK_FIELDS, REPLACEMENT_PROPERTIES } from "./changeRules";
import { loadFleet } from "./model";

function inputAt(inputs: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], inputs);
}

describe("the day-2 tables", () => {
  let prod: StackEvaluation;
  beforeAll(async () => {
    prod = await evaluateStack({
      stack: "digdir-prod",
      fleet: loadFleet(REPO_ROOT, TODAY),
      today: TODAY,
      directory: sampleDirectory(),
    });
    expect(prod.error).toBeUndefined();
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
      const registered = prod.resources.filter((resource) => resource.type === type);
      expect(registered.length, type).toBeGreaterThan(0);
      for (const resource of registered)
        expect(inputAt(resource.inputs, property), `${type} ${property}`).toBeDefined();
    }
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
