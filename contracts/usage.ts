import { fleetDirectory } from "../plan/semantics/azureMocks";
import { plainValue } from "../plan/semantics/contracts/check";
import type { ContractNode } from "../plan/semantics/contracts/contract";

export {
  CONTRACTS_DIRECTORY,
  readContracts,
  type ContractNode,
  type ContractRule,
  type ProviderContract,
  type TypeContract,
} from "../plan/semantics/contracts/contract";
import { evaluateStack } from "../plan/semantics/evaluate";
import { allStacks } from "../plan/engine/select";
import { readFleetSources } from "../files/fleetReader";
import { todayUtc } from "../infra/model/dates";
import { validateFleet } from "../infra/model/fleet";
import type { FleetSources } from "../infra/model/fleetShape";

/**
 * What the program sends: every custom resource's inputs over the repository's sample fleet, and over the same fleet
 * with the layers' optional settings switched on (so the resources they add are seen too).
 */
export async function programInputs(root: string): Promise<Map<string, Record<string, unknown>[]>> {
  const sources = readFleetSources(root);
  // The prod layer's commented-out example of the optional Key Vault private endpoint, switched on.
  const withOptional: FleetSources = {
    ...sources,
    layers: {
      ...sources.layers,
      prod: {
        ...sources.layers.prod,
        text: `${sources.layers.prod.text ?? ""}  altinn-apps:keyVaultPrivateEndpoint: {}\n`,
      },
    },
  };
  const today = todayUtc();
  const byType = new Map<string, Record<string, unknown>[]>();
  for (const variant of [sources, withOptional]) {
    const fleet = validateFleet(variant, today);
    for (const stack of allStacks(variant)) {
      const evaluation = await evaluateStack({ stack, fleet, today, directory: fleetDirectory(fleet.fleet) });
      if (evaluation.error !== undefined) throw new Error(`${stack}: ${evaluation.error}`);
      for (const resource of evaluation.resources.filter((registered) => registered.custom))
        byType.set(resource.type, [...(byType.get(resource.type) ?? []), resource.inputs]);
    }
  }
  return byType;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The contract cut down to what the program sets: the nodes of inputs some resource has, with their subtrees cut the
 * same way, and the own rules (not the subtrees) of the inputs nobody sets, so that setting one is still checked.
 */
export function trimToUse(node: ContractNode, values: readonly unknown[]): ContractNode {
  const present = values.map(plainValue).filter((value) => value !== undefined && value !== null);
  const trimmed: { -readonly [K in keyof ContractNode]: ContractNode[K] } = { at: node.at };
  if (node.rules && node.rules.length > 0) trimmed.rules = node.rules;
  if (node.properties) {
    const objects = present.filter(isRecord);
    const properties: Record<string, ContractNode> = {};
    for (const [key, child] of Object.entries(node.properties)) {
      const used = objects.map((object) => object[key]).filter((value) => value !== undefined && value !== null);
      if (used.length > 0) properties[key] = trimToUse(child, used);
      else if (child.rules && child.rules.length > 0) properties[key] = { at: child.at, rules: child.rules };
    }
    trimmed.properties = properties;
  }
  if (node.items) {
    const items = present.filter(Array.isArray).flat();
    if (items.length > 0) trimmed.items = trimToUse(node.items, items);
  }
  if (node.values) {
    const items = present.filter(isRecord).flatMap((object) => Object.values(object));
    if (items.length > 0) trimmed.values = trimToUse(node.values, items);
  }
  return trimmed;
}

/**
 * The inputs some resource sets that the contract does not define (`location` when the common types were not read):
 * listed in the contract, so that a test can tell them from an input added since the contracts were generated.
 */
export function undefinedInputs(node: ContractNode, values: readonly unknown[], path = ""): string[] {
  const present = values.map(plainValue).filter((value) => value !== undefined && value !== null);
  const found: string[] = [];
  if (node.properties) {
    const keys = new Set(present.filter(isRecord).flatMap((object) => Object.keys(object)));
    for (const key of [...keys].sort()) {
      const child = node.properties[key];
      const childPath = path ? `${path}.${key}` : key;
      const used = present.filter(isRecord).map((object) => object[key]);
      if (!child) {
        if (used.some((value) => plainValue(value) !== undefined && plainValue(value) !== null)) found.push(childPath);
      } else found.push(...undefinedInputs(child, used, childPath));
    }
  }
  if (node.items) found.push(...undefinedInputs(node.items, present.filter(Array.isArray).flat(), `${path}[*]`));
  if (node.values)
    found.push(
      ...undefinedInputs(
        node.values,
        present.filter(isRecord).flatMap((object) => Object.values(object)),
        `${path}.*`,
      ),
    );
  return found;
}
