import { readFileSync } from "node:fs";
import * as path from "node:path";
import { findRepositoryRoot } from "../../../files/fleetReader";

/**
 * Provider contracts: what Azure Resource Manager's published API specs and the Terraform provider behind
 * @pulumi/azuread refuse, as data generated from their sources by `npm run generate-contracts` (see
 * docs/design/contracts.md). Each rule names the source file and line it was read from.
 */

/** One thing the provider refuses. `source` is `<file in its repository>:<line>`. */
export type ContractRule = { readonly source: string } & (
  | { readonly kind: "required" }
  | { readonly kind: "type"; readonly type: "string" | "integer" | "number" | "boolean" | "array" | "object" }
  /** `extensible`: the spec models it as a string (`modelAsString`), so ARM's schema accepts other values. */
  | { readonly kind: "enum"; readonly values: readonly (string | number)[]; readonly extensible: boolean }
  | { readonly kind: "pattern"; readonly pattern: string }
  | { readonly kind: "minLength" | "maxLength" | "minItems" | "maxItems"; readonly limit: number }
  | { readonly kind: "minimum" | "maximum"; readonly limit: number; readonly exclusive: boolean }
  | { readonly kind: "format"; readonly format: "uuid" | "uri" | "date-time" }
  /** Computed by the service: a request that sets it is refused or the value ignored. */
  | { readonly kind: "readOnly" }
  /** Set at creation only (ARM `x-ms-mutability` without `update`): never checked on a plan, used by the change rules. */
  | { readonly kind: "createOnly" }
  /** The provider replaces the resource when it changes (azure-native's replacement table, Terraform's ForceNew). */
  | { readonly kind: "forceNew" }
  /** Terraform's cross-attribute rules, with the other inputs as paths from the resource's root. */
  | {
      readonly kind: "requiredWith" | "conflictsWith" | "exactlyOneOf" | "atLeastOneOf";
      readonly paths: readonly string[];
    }
);

export type RuleKind = ContractRule["kind"];

/** The contract of one input (an object, an array, a map or a scalar), in the SDK's shape. */
export interface ContractNode {
  /** Where the value goes in the provider's request: the ARM path (`properties.tenantId`, `{vaultName}` for a URL path parameter) or the Terraform attribute (`ticket_number`). */
  readonly at: string;
  readonly rules?: readonly ContractRule[];
  /** An object's properties, by the SDK's name. */
  readonly properties?: Readonly<Record<string, ContractNode>>;
  /** An array's elements. */
  readonly items?: ContractNode;
  /** A map's values. */
  readonly values?: ContractNode;
}

export interface TypeContract {
  /** The spec file (azure-native) or Go file (azuread) of the resource, repository-relative. */
  readonly source: string;
  /** The ARM API version the provider's module uses (azure-native). */
  readonly apiVersion?: string;
  /** The resource's inputs, as the root object. */
  readonly inputs: ContractNode;
}

export interface ProviderContract {
  /** The npm package and version the contract was generated for; a test compares it with the lockfile. */
  readonly package: string;
  readonly version: string;
  /** The repositories read, each at a commit (or described when only some of its files were at hand). */
  readonly sources: Readonly<Record<string, string>>;
  /** The command that regenerates this file. */
  readonly regenerate: string;
  readonly types: Readonly<Record<string, TypeContract>>;
  /** Types the program registers that the generator had no source for: not checked, and said so. */
  readonly notCovered: Readonly<Record<string, string>>;
  /** Rules the generator found and could not turn into data (a validation function it does not know). */
  readonly unchecked: readonly {
    readonly type: string;
    readonly property: string;
    readonly source: string;
    readonly what: string;
  }[];
}

export const CONTRACT_FILES = ["azure-native.json", "azuread.json"] as const;

/** Where the committed contracts live (the sources' folder, also when running compiled from dist/). */
export const CONTRACTS_DIRECTORY = path.join(findRepositoryRoot(__dirname), "plan", "semantics", "contracts");

export function readContracts(directory: string): ProviderContract[] {
  return CONTRACT_FILES.map((file) => JSON.parse(readFileSync(path.join(directory, file), "utf8")) as ProviderContract);
}

let committed: readonly ProviderContract[] | undefined;

/** The committed contracts, read once per process. */
export function providerContracts(): readonly ProviderContract[] {
  committed ??= readContracts(CONTRACTS_DIRECTORY);
  return committed;
}
