import { describe, expect, it } from "vitest";
import { contractNodes } from "../../../test/support/contractNodes";
import { ACCEPTED_VALUES } from "./acceptedValues";
import { providerContracts, type ContractNode, type ContractRule } from "./contract";

describe("values accepted beyond an extensible enum", () => {
  const types = Object.assign({}, ...providerContracts().map((provider) => provider.types)) as Record<
    string,
    { inputs: ContractNode }
  >;

  it.each(ACCEPTED_VALUES.map((entry) => [`${entry.type} ${entry.at} ${entry.value}`, entry] as const))(
    "%s: lies outside an extensible enum of the committed contract (else the entry is dead or widens a closed list)",
    (_, entry) => {
      const contract = types[entry.type];
      expect(contract, `${entry.type} has no contract`).toBeDefined();
      const node = contract && [...contractNodes(contract.inputs)].find((candidate) => candidate.at === entry.at);
      const enumRule = node?.rules?.find(
        (rule): rule is Extract<ContractRule, { kind: "enum" }> => rule.kind === "enum",
      );
      expect(enumRule, `no enum at ${entry.at}`).toBeDefined();
      expect(enumRule?.extensible).toBe(true);
      expect(enumRule?.values).not.toContain(entry.value);
      expect(entry.source).not.toBe("");
    },
  );
});
