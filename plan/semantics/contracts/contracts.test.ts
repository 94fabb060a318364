import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadFleet } from "../../../files/fleetReader";
import { validateFleet } from "../../../infra/model/fleet";
import { layersWith, REPO_SOURCES, TODAY } from "../../../test/support/fleet";
import { sampleDirectory } from "../../../test/support/repository";
import { evaluateStack, type RegisteredResource } from "../evaluate";
import { undefinedInputs } from "../../../contracts/usage";
import { REPO_ROOT } from "../../../repository/root";
import { providerContracts } from "./contract";
import { contractNodes } from "../../../test/support/contractNodes";

const lockedVersion = (pkg: string): string | undefined =>
  (
    JSON.parse(readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string }>;
    }
  ).packages[`node_modules/${pkg}`]?.version;

describe("the committed provider contracts", () => {
  it("were generated for the provider versions the lockfile installs", () => {
    for (const contract of providerContracts())
      expect(
        contract.version,
        `${contract.package} is ${lockedVersion(contract.package)} in package-lock.json but the contracts in plan/semantics/contracts were generated for ${contract.version}: regenerate them with ${contract.regenerate}`,
      ).toBe(lockedVersion(contract.package));
  });

  it("cite a file and line of the provider's sources for every rule", () => {
    for (const contract of providerContracts())
      for (const [type, typeContract] of Object.entries(contract.types))
        for (const node of contractNodes(typeContract.inputs))
          for (const rule of node.rules ?? [])
            expect(rule.source, `${type} ${node.at}`).toMatch(/^[\w./-]+\.(json|go):\d+$/);
  });

  describe("against the resources the program registers", () => {
    let registered: RegisteredResource[];
    beforeAll(async () => {
      const fleets = [
        loadFleet(REPO_ROOT, TODAY),
        // The layer's optional Key Vault private endpoint, so that its resource types are registered too.
        validateFleet(
          {
            ...REPO_SOURCES,
            layers: layersWith("prod", (text) => `${text}  altinn-apps:keyVaultPrivateEndpoint: {}\n`),
          },
          TODAY,
        ),
      ];
      registered = [];
      for (const fleet of fleets) {
        const evaluation = await evaluateStack({
          stack: "digdir-prod",
          fleet,
          today: TODAY,
          directory: sampleDirectory(),
        });
        expect(evaluation.error).toBeUndefined();
        registered.push(...evaluation.resources);
      }
    });

    it("know every provider type: each is checked, or listed as not covered with the reason", () => {
      const known = new Set(
        providerContracts().flatMap((contract) => [
          ...Object.keys(contract.types),
          ...Object.keys(contract.notCovered),
        ]),
      );
      const types = new Set(
        registered
          .filter((resource) => resource.custom && !resource.type.startsWith("pulumi:providers:"))
          .map((resource) => resource.type),
      );
      expect([...types].filter((type) => !known.has(type))).toEqual([]);
      expect(types.size).toBeGreaterThan(20);
    });

    it("define every input the program sets on a checked type, or list it as unchecked", () => {
      for (const contract of providerContracts()) {
        const listed = new Set(contract.unchecked.map((entry) => `${entry.type} ${entry.property}`));
        for (const [type, typeContract] of Object.entries(contract.types)) {
          const inputs = registered.filter((resource) => resource.type === type).map((resource) => resource.inputs);
          const unknown = undefinedInputs(typeContract.inputs, inputs).filter(
            (property) => !listed.has(`${type} ${property}`),
          );
          expect(
            unknown,
            `inputs the contract of ${type} does not know: regenerate with ${contract.regenerate}`,
          ).toEqual([]);
        }
      }
    });
  });
});
