import { describe, expect, it } from "vitest";
import { readContracts, CONTRACTS_DIRECTORY, type ProviderContract } from "./usage";
import { mergeRegenerated } from "./merge";

const NAT = "azure-native:network:NatGateway";
const VAULT = "azure-native:keyvault:Vault";
const [current] = readContracts(CONTRACTS_DIRECTORY) as [ProviderContract];
/** The committed contracts as they were before NatGateway's spec file was at hand. */
const committed: ProviderContract = {
  ...current,
  types: Object.fromEntries(Object.entries(current.types).filter(([type]) => type !== NAT)),
  notCovered: { ...current.notCovered, [NAT]: "no spec file of API version 2024-05-01 in the given checkout" },
};

/** What `generate-contracts --only <NAT>` reads from a checkout that holds natGateway.json. */
const regenerated: ProviderContract = {
  ...committed,
  sources: { ...committed.sources, "Azure/azure-rest-api-specs": "natGateway.json of commit cd1a17dc" },
  types: {
    [NAT]: {
      source: "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01/natGateway.json",
      apiVersion: "2024-05-01",
      inputs: { at: "", properties: { location: { at: "location" } } },
    },
  },
  notCovered: {},
  unchecked: [
    { type: "*", property: "*", source: "specification/x.json", what: "absent" },
    { type: NAT, property: "zones", source: "natGateway.json", what: "not checked" },
  ],
};

describe("a partial regeneration (--only)", () => {
  it("replaces the named type, keeps every other one as committed", () => {
    const merged = mergeRegenerated(committed, regenerated, [NAT]);
    expect(merged.types[NAT]).toEqual(regenerated.types[NAT]);
    expect(merged.types[VAULT]).toEqual(committed.types[VAULT]);
    expect(Object.keys(merged.types)).toHaveLength(Object.keys(committed.types).length + 1);
  });

  it("takes a type it now covers out of notCovered, and keeps a type it still cannot find in it", () => {
    expect(committed.notCovered[NAT]).toBeDefined();
    expect(mergeRegenerated(committed, regenerated, [NAT]).notCovered[NAT]).toBeUndefined();
    const stillMissing = { ...regenerated, types: {}, notCovered: { [NAT]: "no spec file here" } };
    expect(mergeRegenerated(committed, stillMissing, [NAT]).notCovered[NAT]).toBe("no spec file here");
  });

  it("replaces the named type's unchecked entries, adds the new checkout's missing files, keeps the rest once", () => {
    // A file both the committed contracts and the new checkout miss (a common-types file, say).
    const missedByBoth = { type: "*", property: "*", source: "specification/common.json", what: "absent" };
    const earlier = {
      ...committed,
      unchecked: [...committed.unchecked, missedByBoth, { type: NAT, property: "sku", source: "old", what: "x" }],
    };
    const merged = mergeRegenerated(earlier, { ...regenerated, unchecked: [...regenerated.unchecked, missedByBoth] }, [
      NAT,
    ]);
    expect(merged.unchecked).toContainEqual(regenerated.unchecked[0]);
    expect(merged.unchecked).toContainEqual(regenerated.unchecked[1]);
    expect(merged.unchecked.filter((entry) => entry.type === NAT)).toEqual([regenerated.unchecked[1]]);
    expect(merged.unchecked.filter((entry) => entry.source === missedByBoth.source)).toHaveLength(1);
  });

  it("says which types were read from which files", () => {
    const merged = mergeRegenerated(committed, regenerated, [NAT]);
    expect(merged.sources["Azure/azure-rest-api-specs"]).toBe(
      `${committed.sources["Azure/azure-rest-api-specs"]}; and for ${NAT}: natGateway.json of commit cd1a17dc`,
    );
    expect(merged.sources["pulumi/pulumi-azure-native"]).toBe(committed.sources["pulumi/pulumi-azure-native"]);
  });

  it("refuses when the installed provider is not the one the committed contracts were generated for", () => {
    expect(() => mergeRegenerated(committed, { ...regenerated, version: "9.9.9" }, [NAT])).toThrow(
      `the committed contracts are for @pulumi/azure-native ${committed.version}, the installed one is 9.9.9`,
    );
  });
});
