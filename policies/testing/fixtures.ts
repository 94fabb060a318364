import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { PolicyPackConfig } from "@pulumi/policy";
import { ACCEPTED_TERMS } from "../../test/support/fleet";
import type { RegistryConfig } from "../registry";
import { runPolicies, type AnalyzedResource } from "../runner/runner";

export const TYPES = {
  resourceGroup: "azure-native:resources:ResourceGroup",
  workspace: "azure-native:operationalinsights:Workspace",
  appInsights: "azure-native:applicationinsights:Component",
  vault: "azure-native:keyvault:Vault",
  cluster: "azure-native:containerservice:ManagedCluster",
  agentPool: "azure-native:containerservice:AgentPool",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  diagnostics: "azure-native:monitor:DiagnosticSetting",
  azureProvider: "pulumi:providers:azure-native",
} as const;

export function tags(org: string, environment: string): Record<string, string> {
  return { "altinn:owner": org, "altinn:environment": environment, "managed-by": "pulumi" };
}

/** A resource as the analyzer would see it in stack `stack`, tagged to match unless the props say otherwise. */
export function resource(
  type: string,
  inputs: Record<string, unknown>,
  {
    stack = "digdir-prod",
    name = "subject",
    protect = false,
  }: { stack?: string; name?: string; protect?: boolean } = {},
): AnalyzedResource {
  return { urn: `urn:pulumi:${stack}::altinn-apps::${type}::${name}`, type, name, inputs, protect };
}

export function taggedResource(type: string, inputs: Record<string, unknown>, stack = "digdir-prod", protect = false) {
  const [org = "", environment = ""] = stack.split("-");
  return resource(type, { location: "norwayeast", tags: tags(org, environment), ...inputs }, { stack, protect });
}

export function registry(overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  return {
    requiredTermsVersion: "2025-1",
    allowedLocations: { tt02: ["norwayeast", "westeurope"], prod: ["norwayeast"] },
    owners: { digdir: { termsOfUse: { ...ACCEPTED_TERMS } } },
    ...overrides,
  };
}

/** The messages one policy reports for one resource (at the given or configured level). */
export async function violations(
  policy: ResourceValidationPolicy,
  subject: AnalyzedResource,
  config: PolicyPackConfig = {},
): Promise<string[]> {
  const report = await runPolicies([subject], { policies: [policy], config });
  return report.violations.map((violation) => violation.message);
}

export async function isNotApplicable(
  policy: ResourceValidationPolicy,
  subject: AnalyzedResource,
  config: PolicyPackConfig = {},
) {
  const report = await runPolicies([subject], { policies: [policy], config });
  return report.violations.length === 0 && report.notApplicable.some((entry) => entry.policy === policy.name);
}
