import type { ContractNode } from "../../plan/semantics/contracts/contract";

/** Every node of a contract: the root, each property, array element and map value, depth first. */
export function* contractNodes(node: ContractNode): Generator<ContractNode> {
  yield node;
  for (const child of Object.values(node.properties ?? {})) yield* contractNodes(child);
  if (node.items) yield* contractNodes(node.items);
  if (node.values) yield* contractNodes(node.values);
}
