import { describe, expect, it } from "vitest";
import { readContracts, CONTRACTS_DIRECTORY, type ProviderContract } from "./usage";
import { mergeRegenerated } from "./merge";

const NAT = "azure-native:network:NatGateway";
const VAULT = "azure-native:keyvault:Vault";
const SPECS = "Azure/azure-rest-api-specs";
const NAT_SPEC = "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01/natGateway.json";
const LEGACY_MISSING = {
  type: "*",
  property: "*",
  source: NAT_SPEC,
  what: "referenced by a spec file, absent from the checkout: the rules it holds (common types) are not in this contract",
};
const [current] = readContracts(CONTRACTS_DIRECTORY) as [ProviderContract];

/** The committed contracts as they were before NatGateway's spec file was at hand. */
const committed: ProviderContract = {
  ...current,
  sources: { ...current.sources, [SPECS]: "keyvault.json of commit 315e54b7" },
  types: Object.fromEntries(Object.entries(current.types).filter(([type]) => type !== NAT)),
  notCovered: { ...current.notCovered, [NAT]: "no spec file of API version 2024-05-01 in the given checkout" },
  unchecked: [LEGACY_MISSING],
};

/** What `generate-contracts --only <NAT>` reads from a checkout that holds natGateway.json. */
const regenerated: ProviderContract = {
  ...committed,
  sources: { ...committed.sources, [SPECS]: "natGateway.json of commit cd1a17dc" },
  types: { [NAT]: { source: NAT_SPEC, apiVersion: "2024-05-01", inputs: { at: "", properties: {} } } },
  notCovered: {},
  unchecked: [
    { type: NAT, property: "*", source: "specification/x.json", what: "referenced by natGateway.json, absent" },
  ],
};
const READ = new Set([NAT_SPEC]);

describe("a partial regeneration (--only)", () => {
  it("replaces the named type, keeps every other one as committed", () => {
    const merged = mergeRegenerated(committed, regenerated, [NAT], READ);
    expect(merged.types[NAT]).toEqual(regenerated.types[NAT]);
    expect(merged.types[VAULT]).toEqual(committed.types[VAULT]);
    expect(Object.keys(merged.types)).toHaveLength(Object.keys(committed.types).length + 1);
  });

  it("takes a type it now covers out of notCovered, and keeps a type it still cannot find in it", () => {
    expect(mergeRegenerated(committed, regenerated, [NAT], READ).notCovered[NAT]).toBeUndefined();
    const stillMissing = { ...regenerated, types: {}, notCovered: { [NAT]: "no spec file here" } };
    expect(mergeRegenerated(committed, stillMissing, [NAT], READ).notCovered[NAT]).toBe("no spec file here");
  });

  it("refuses to drop a committed contract the given checkout cannot find", () => {
    const notFound = { ...regenerated, types: {}, notCovered: { [VAULT]: "no spec file of API version 2024-11-01" } };
    expect(() => mergeRegenerated(committed, notFound, [VAULT], new Set())).toThrow(
      `${VAULT}: not found in the given checkout (no spec file of API version 2024-11-01); the committed contract is kept, nothing written`,
    );
  });

  it("replaces the named type's unchecked entries and keeps each entry once, whatever its keys' order", () => {
    const reordered = { what: "x", source: "old", property: "sku", type: VAULT };
    const merged = mergeRegenerated(
      { ...committed, unchecked: [...committed.unchecked, { type: NAT, property: "sku", source: "old", what: "x" }] },
      { ...regenerated, unchecked: [...regenerated.unchecked, { ...reordered, type: NAT }] },
      [NAT],
      READ,
    );
    expect(merged.unchecked.filter((entry) => entry.type === NAT)).toEqual([
      regenerated.unchecked[0],
      { ...reordered, type: NAT },
    ]);
    const twice = mergeRegenerated(
      { ...committed, unchecked: [{ type: VAULT, property: "sku", source: "old", what: "x" }] },
      { ...regenerated, unchecked: [] },
      [NAT],
      READ,
    );
    expect(twice.unchecked).toHaveLength(1);
  });

  it("says of an earlier checkout's missing file that it was read later, and for which types", () => {
    const merged = mergeRegenerated(committed, regenerated, [NAT], READ);
    expect(merged.unchecked).toContainEqual({
      ...LEGACY_MISSING,
      what: `${LEGACY_MISSING.what} (of the types read from an earlier checkout; read later for ${NAT})`,
    });
    expect(mergeRegenerated(committed, regenerated, [NAT], new Set()).unchecked).toContainEqual(LEGACY_MISSING);
    // A later run that reads the file again says so once, in its own words.
    const vaultOnly = {
      ...regenerated,
      types: { [VAULT]: regenerated.types[NAT] ?? { source: "", inputs: { at: "" } } },
    };
    const again = mergeRegenerated(merged, { ...vaultOnly, unchecked: [] }, [VAULT], READ);
    expect(again.unchecked).toContainEqual({
      ...LEGACY_MISSING,
      what: `${LEGACY_MISSING.what} (of the types read from an earlier checkout; read later for ${VAULT})`,
    });
  });

  it("says which types were read from which files, replacing what an earlier run said of the same types", () => {
    const merged = mergeRegenerated(committed, regenerated, [NAT], READ);
    expect(merged.sources[SPECS]).toBe(
      `keyvault.json of commit 315e54b7; and for ${NAT}: natGateway.json of commit cd1a17dc`,
    );
    expect(merged.sources["pulumi/pulumi-azure-native"]).toBe(committed.sources["pulumi/pulumi-azure-native"]);
    const again = mergeRegenerated(
      { ...merged, types: { ...merged.types } },
      { ...regenerated, sources: { ...regenerated.sources, [SPECS]: "natGateway.json of commit 0000000" } },
      [NAT],
      READ,
    );
    expect(again.sources[SPECS]).toBe(
      `keyvault.json of commit 315e54b7; and for ${NAT}: natGateway.json of commit 0000000`,
    );
  });

  it("refuses when the installed provider is not the one the committed contracts were generated for", () => {
    expect(() => mergeRegenerated(committed, { ...regenerated, version: "9.9.9" }, [NAT], READ)).toThrow(
      `the committed contracts are for @pulumi/azure-native ${committed.version}, the installed one is 9.9.9`,
    );
  });
});
