import type { OwnerEnvironment } from "./model";

/**
 * Day-2 rules: what this program can change on an existing stack, and what it cannot. One table each, used by the
 * program's documentation and by the PR tooling (plan --diff) to refuse a change before it reaches `pulumi up`.
 */

/** A setting of an owner environment that can never change once the stack exists. */
export interface ImmutableStackField {
  /** Where it is set, as an admin would look for it. */
  readonly setting: string;
  /** Its effective value for one stack (after the layer's defaults and the owner's overrides are merged). */
  readonly read: (target: OwnerEnvironment) => unknown;
  /** Why Azure or the program cannot carry the change out. */
  readonly reason: string;
  /** What to do instead. */
  readonly instead: string;
}

export const IMMUTABLE_STACK_FIELDS: readonly ImmutableStackField[] = [
  {
    setting: "stacks/<org>.yaml environments.<env>.subscriptionId",
    read: (target) => target.subscriptionId,
    reason:
      "every resource id and role definition id embeds the subscription; resources cannot be moved by a deploy, so the stack would create a second environment and orphan the first",
    instead:
      "create the new environment as a new stack (a decommissioning runbook for the old one), or move the resources with Azure's resource move and then `pulumi import`",
  },
  {
    setting: "stacks/<org>.yaml environments.<env>.location (or the layer's locations.default)",
    read: (target) => target.location,
    reason:
      "location forces replacement of every resource, and prod's stateful resources are protected (the Key Vault name stays blocked for 90 days by purge protection)",
    instead: "build the new region as a new stack and migrate the apps; decommission the old one",
  },
];

/** A resource property whose change azure-native carries out by replacing the resource. */
export interface ReplacementProperty {
  /** The Pulumi type token, e.g. `azure-native:keyvault:Vault`. */
  readonly type: string;
  /** The input's path, dot-separated (`properties.tenantId`). */
  readonly property: string;
  readonly reason: string;
}

export const REPLACEMENT_PROPERTIES: readonly ReplacementProperty[] = [];
