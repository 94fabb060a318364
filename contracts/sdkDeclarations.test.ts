import { describe, expect, it } from "vitest";
import { providerContracts } from "../plan/semantics/contracts/contract";
import { apiVersionOf, sdkInputNames } from "./sdkDeclarations";

const [azureNative] = providerContracts();

describe("the committed azure-native contracts against the installed SDK", () => {
  const types = Object.entries(azureNative?.types ?? {});

  it("read the SDK's declarations", () => {
    expect(sdkInputNames("azure-native:keyvault:Vault")).toEqual(
      new Set(["location", "properties", "resourceGroupName", "tags", "vaultName"]),
    );
    expect(apiVersionOf("azure-native:keyvault:Vault")).toBe("2024-11-01");
  });

  it.each(types.map(([type, contract]) => [type, contract] as const))(
    "%s: read from the API version the SDK uses, with no SDK input marked read-only (a spec file of another commit)",
    (type, contract) => {
      expect(contract.apiVersion).toBe(apiVersionOf(type));
      const inputs = sdkInputNames(type);
      const readOnlyInputs = Object.entries(contract.inputs.properties ?? {})
        .filter(([name, node]) => inputs.has(name) && node.rules?.some((rule) => rule.kind === "readOnly"))
        .map(([name]) => name);
      expect(readOnlyInputs).toEqual([]);
    },
  );
});
