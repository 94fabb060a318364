import type { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

/** A policy of this pack with what its documentation needs, kept on the policy so the README table cannot drift. */
export interface DocumentedPolicy extends ResourceValidationPolicy {
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  /**
   * Display names of Microsoft's built-in Azure Policy definitions (Azure/azure-policy, built-in-policies/
   * policyDefinitions) that check the same properties; empty when the rule is this platform's own.
   */
  readonly azurePolicyDefinitions: readonly string[];
}
